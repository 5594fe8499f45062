"""How the page shows the form: its groups of fields, each field's words, the presets.

``FieldView`` is the one description of a field that the page, the embed,
the builder and the lead form show; templates/calculator/_field.html
renders it. The words come from the form (labels, help, ranges) and from
here (the sources of the defaults, the typical costs of an integration).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import formatting, model
from .forms import COSTS, version_of
from .integrations import INTEGRATIONS, typical_cost

# Common fields up front, in the order a marketer thinks of them. A version
# shows only the fields it reads: `server_ip` and `lift_share` are version 3's,
# `lift_slope` version 2's. `store` is no model input: it says which native
# integrations version 3's comparison offers.
GROUPS = [
    (
        gettext_lazy("Your business"),
        ["spend", "conversions", "orders", "aov", "margin", "currency"],
    ),
    (gettext_lazy("Tracking loss today"), ["consent", "adblock", "safari"]),
    (gettext_lazy("How will you send server events?"), ["store", "integration", "server_ip"]),
    (gettext_lazy("What server events change"), ["cpa_gain", "lift_share", "mode"]),
    (gettext_lazy("Costs and horizon"), ["setup_cost", "monthly_cost", "months"]),
]
ADVANCED_GROUPS = [
    (gettext_lazy("More tracking loss"), ["att", "itp", "connectivity"]),
    (
        gettext_lazy("Matching and measurement"),
        ["match_before", "match_after", "acr", "lift_slope"],
    ),
    (gettext_lazy("Timing and money"), ["ramp", "discount"]),
    (gettext_lazy("Holdout test"), ["holdout_weeks", "holdout_share"]),
]

# Version 3 asks "Where do you advertise?" first: each platform checked shows
# its own spend, reported purchases, route and lift, with its match rates one
# click further; the store's own inputs follow.
PLATFORM_GROUPS = [
    (
        "meta",
        ["spend", "conversions", "lift_share", "cpa_gain"],
        ["match_before", "match_after", "acr"],
    ),
    (
        "google",
        [
            "google_spend",
            "google_conversions",
            "google_route",
            "google_lift_share",
            "google_cpa_gain",
        ],
        ["google_match_before", "google_match_after", "google_modelled"],
    ),
    (
        "tiktok",
        [
            "tiktok_spend",
            "tiktok_conversions",
            "tiktok_route",
            "tiktok_lift_share",
            "tiktok_cpa_gain",
        ],
        ["tiktok_match_before", "tiktok_match_after"],
    ),
]
GROUPS_V3 = [
    (gettext_lazy("Your store"), ["orders", "aov", "margin", "currency"]),
    (gettext_lazy("Tracking loss today"), ["consent", "adblock", "safari"]),
    (gettext_lazy("How will you send server events?"), ["store", "integration", "server_ip"]),
    (gettext_lazy("What server events change"), ["mode"]),
    (gettext_lazy("Costs and horizon"), ["setup_cost", "monthly_cost", "months"]),
]
ADVANCED_GROUPS_V3 = [
    (gettext_lazy("More tracking loss"), ["att", "itp", "connectivity"]),
    (gettext_lazy("Timing and money"), ["ramp", "discount"]),
    (gettext_lazy("Holdout test"), ["holdout_weeks", "holdout_share"]),
]


@dataclass(frozen=True)
class PlatformGroup:
    """One platform's fieldset: shown when its box is checked; otherwise its
    fields are there but hidden and disabled, so they send nothing."""

    key: str
    name: str
    fields: list
    more: list
    shown: bool


def platform_groups(form, currency: str) -> list[PlatformGroup]:
    """Version 3's platform fieldsets, Meta first; none for older links."""
    if version_of(form.data) < 3:
        return []
    shown = set(form.platforms_shown())
    return [
        PlatformGroup(
            key,
            model.PLATFORM_NAMES[key],
            field_views(form, main, currency, disabled=key not in shown),
            field_views(form, more, currency, disabled=key not in shown),
            key in shown,
        )
        for key, main, more in PLATFORM_GROUPS
    ]


# Why each default is what it is, and where it comes from.
SOURCES = {
    # xgettext:no-python-format
    "consent": gettext_lazy(
        "Default 0%, for stores outside the EU. The EU preset uses 40%: a 2026 consent "
        "benchmark (JustRelate) saw 52% of EU sessions refuse statistics tracking."
    ),
    # xgettext:no-python-format
    "adblock": gettext_lazy(
        "Default 8%. Surveys put blocker use near 30% (eyeo 2023; GWI 2024), but most "
        "default lists block the Pixel weakly (Wills & Uzunoglu, 2016)."
    ),
    # xgettext:no-python-format
    "safari": gettext_lazy(
        "Default 30%. StatCounter: Safari is about 22% of US desktop and 25% of global "
        "mobile page views."
    ),
    # xgettext:no-python-format
    "att": gettext_lazy(
        "Default 5%. ATT opt-in rates differ by denominator (Flurry 2021, AppsFlyer 2022), "
        "and Meta models part of the loss itself (Aggregated Event Measurement, AEM)."
    ),
    # xgettext:no-python-format
    "itp": gettext_lazy(
        "Default 20%. WebKit caps script-set cookies at 7 days (ITP 2.1) and at 24 hours "
        "after a decorated link such as fbclid (ITP 2.2)."
    ),
    # xgettext:no-python-format
    "connectivity": gettext_lazy(
        "Default 2%: Pixel events lost to slow pages and failed requests."
    ),
    # xgettext:no-python-format
    "match_before": gettext_lazy(
        "Default 85%: with 92% after, the signal gain lands at Meta's own ACR "
        "medians (23–39%). Vendors claim 50–65% for the Pixel alone and 80–90% with CAPI "
        "(unaudited): 60% → 80% would mean 53% more reported purchases, above Meta's medians."
    ),
    # xgettext:no-python-format
    "match_after": gettext_lazy(
        "Default 92%, with hashed email, phone, external_id and Meta's browser and click "
        "cookies (fbp, fbc) sent from the server."
    ),
    # xgettext:no-python-format
    "acr": gettext_lazy(
        "Meta's Events Manager shows it for a running CAPI setup; example medians are "
        "23.3% (Search) and 39.1% (Purchase). Leave empty to estimate."
    ),
    # xgettext:no-python-format
    "ramp": gettext_lazy("Default 1 month: the lift reaches full strength in month 2."),
    # xgettext:no-python-format
    "discount": gettext_lazy("Default 10% a year, for the NPV."),
    # xgettext:no-python-format
    "holdout_weeks": gettext_lazy(
        "Default 8 weeks, about two months: long enough to even out weekly "
        "swings, short enough to wait for."
    ),
    # xgettext:no-python-format
    "holdout_share": gettext_lazy("Default 50%: an even split needs the fewest weeks."),
    # xgettext:no-python-format
    "cpa_gain": gettext_lazy(
        "Empty by default: estimated from the signal. Meta reports 13% better cost "
        "per result for Pixel + CAPI, self-selected and measured on reported results: an upper "
        "bound."
    ),
    # xgettext:no-python-format
    "lift_slope": gettext_lazy(
        "Default 20. Meta's 13% better cost per result sits beside a median 39% "
        "more purchase events, a slope of about 33; those advertisers chose CAPI themselves, "
        "so the default takes a bit over half of it. The estimate is capped at 25%."
    ),
}

# Version 3 counts a share of the randomized study's lift unless a measured
# figure is entered; Meta's own 13% is not evidence of a real fall.
V3_CPA_GAIN = gettext_lazy(
    # xgettext:no-python-format
    "Empty by default: the share of the study's lift above is counted. Enter a figure only "
    "from your own holdout test; Meta's “13% better cost per result” is measured on "
    "reported results, which server events raise anyway."
)

# Version 1 has no estimate: an old link's page words its lift field as it did.
V1_CPA_GAIN = (
    gettext_lazy(
        # xgettext:no-python-format
        "How much cheaper each real purchase becomes. Meta's 13% is an upper bound; confirm "
        "it with a holdout test."
    ),
    gettext_lazy(
        # xgettext:no-python-format
        "Default 5%. Meta reports 13% better cost per result for Pixel + CAPI, self-selected "
        "and measured on reported results: an upper bound."
    ),
)


PRESETS = [
    (
        gettext_lazy("US store, Shopify's native CAPI"),
        {
            "spend": 15000,
            "conversions": 350,
            "aov": 75,
            "safari": 35,
            "integration": "shopify",
            "match_after": 90,
        },
    ),
    (
        gettext_lazy("EU store behind a consent banner"),
        {
            "spend": 12000,
            "conversions": 260,
            "aov": 70,
            "currency": "EUR",
            "consent": 40,
            "safari": 28,
        },
    ),
    (
        gettext_lazy("Server-side GTM relay"),
        {"integration": "sgtm_hosted", "match_after": 90},
    ),
    (
        gettext_lazy("Meta + Google Ads on server-side GTM"),
        {
            "spend": 15000,
            "conversions": 320,
            "google_spend": 8000,
            "google_conversions": 210,
            "integration": "sgtm_hosted",
        },
    ),
    (
        gettext_lazy("Shopify store, all three native apps"),
        {
            "store": "shopify",
            "integration": "shopify",
            "spend": 12000,
            "conversions": 280,
            "google_spend": 5000,
            "google_conversions": 120,
            "tiktok_spend": 3000,
            "tiktok_conversions": 45,
        },
    ),
    (
        gettext_lazy("High-spend DTC brand"),
        {
            "spend": 250000,
            "conversions": 3500,
            "aov": 110,
            "margin": 45,
            "safari": 40,
            "setup_cost": 15000,
            "monthly_cost": 1500,
        },
    ),
]


NUMBER_INPUT = (
    ("type", "text"),
    ("inputmode", "decimal"),
    ("autocomplete", "off"),
    ("spellcheck", "false"),
)


@dataclass(frozen=True)
class Option:
    """One choice of a select: its key, its words, and the data attributes the
    page's script reads (an integration's typical costs)."""

    key: str
    text: str
    selected: bool
    data: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class FieldView:
    """One form field, with everything its template needs worked out once."""

    name: str
    id: str
    label: str
    unit: str
    value: str
    hint: str
    source: str
    errors: list[str]
    choices: list[tuple[str, str]]
    placeholder: str = ""
    # Per choice, data attributes for the page's script: an integration's typical costs.
    option_data: dict[str, dict[str, str]] = field(default_factory=dict)
    # The start of the hint's and message's ids, where a page has two forms
    # with the same field names (the builder's "b-spend"); else the name.
    slot: str = ""
    # A text input's attributes besides its id, name and value: a number's
    # unless given (the lead form's email address has its own).
    input_attrs: tuple[tuple[str, str], ...] = NUMBER_INPUT
    disabled: bool = False  # a platform not checked: shown hidden, sends nothing

    @property
    def hint_id(self) -> str:
        return f"{self.slot or self.name}-hint"

    @property
    def source_id(self) -> str:
        return f"{self.slot or self.name}-source"

    @property
    def error_id(self) -> str:
        return f"{self.slot or self.name}-error"

    @property
    def described_by(self) -> str:
        """The control's aria-describedby: its hint, then its message."""
        return f"{self.hint_id} {self.error_id}"

    @property
    def options(self) -> list[Option]:
        return [
            Option(key, text, key == self.value, tuple(self.option_data.get(key, {}).items()))
            for key, text in self.choices
        ]


def chosen_integration(form) -> str:
    """The integration the form shows: the chosen one, or for a link made before
    the question was asked, the one that matches its setup."""
    data = getattr(form, "cleaned_data", {})
    if data.get("integration"):
        return data["integration"]
    raw = form["integration"].value()
    if isinstance(raw, str) and raw in model.INTEGRATIONS_V3:
        return raw
    return "sgtm_self" if data.get("setup") == "relay" else "custom"


def typical_text(value: float) -> str:
    """A typical cost as a placeholder and hint show it: plain digits on English
    pages ('1500'), the language's grouping elsewhere ('1.500', '1 500'), which
    that page's form reads back as the same amount."""
    if formatting.active_locale() is None:
        return model.format_number(value)
    return formatting.number(value, 0 if float(value).is_integer() else 2)


# Version 3's typical costs follow the store's orders and platforms; where
# each comes from, for the cost fields' hints.
V3_COST_SOURCES = {
    "shopify": gettext_lazy(
        "Shopify's native apps send server events for Meta and TikTok; whether Google's "
        "app is free is not confirmed, and it sends Google Ads none here."
    ),
    "woocommerce": gettext_lazy("Meta's official WooCommerce plugin is free and serves Meta only."),
    "gateway": gettext_lazy(
        "An estimate: the Gateway runs in your cloud account or at a host that charges per "
        "pixel. It serves Meta only, and Meta says it is not meant to improve performance."
    ),
    "sgtm_self": gettext_lazy(
        "An estimate: an implementation for the first platform and less for each more, then "
        "Google Cloud hosting that grows with your orders (taggingdocs: $20–80 a month for "
        "most mid-size sites, $500–2,000 at high traffic)."
    ),
    "sgtm_hosted": gettext_lazy(
        "An estimate: an implementation for the first platform and less for each more, then "
        "a hosted plan priced by requests (Stape), which grows with your orders."
    ),
    "managed": gettext_lazy(
        "Elevar's published price: $150 a month up to 1,000 orders, extended here at $0.15 "
        "an order above that; larger stores negotiate their own."
    ),
    "custom": gettext_lazy(
        "An estimate: developer time to send orders with hashed customer data, more for each "
        "platform after the first, then hosting and upkeep."
    ),
}


def store_inputs(form) -> model.Inputs:
    """The store a version 3 form describes, for its typical costs: its valid
    inputs with only the routes the visitor gave, or the defaults."""
    if not form.is_valid():
        return model.DEFAULTS
    given = form.given_keys()
    routes = {k: None for k in ("google_route", "tiktok_route") if k not in given}
    return replace(form.inputs(), **routes)


def typical_costs(form) -> dict[str, tuple[float, float]]:
    """Each integration's (setup, monthly) typical costs as the form's version
    reckons them: version 3 by the store's orders and platforms."""
    if version_of(form.data) < 3:
        currency = form.cleaned_data.get("currency") if form.is_valid() else None
        currency = currency or model.DEFAULTS.currency
        return {
            key: (
                typical_cost(key, "setup_cost", currency),
                typical_cost(key, "monthly_cost", currency),
            )
            for key in INTEGRATIONS
        }
    store = store_inputs(form)
    return {key: model.typical_costs(key, store) for key in model.INTEGRATIONS_V3}


def _cost_source(form, integration: str, name: str, currency: str, costs) -> str:
    typical = costs[integration][0 if name == "setup_cost" else 1]
    values = {
        "integration": integration_short(integration),
        "amount": typical_text(typical),
        "currency": currency,
    }
    if version_of(form.data) < 3:
        values["source"] = INTEGRATIONS[integration].source
        return _("Typical for %(integration)s: %(amount)s %(currency)s. %(source)s") % values
    store = store_inputs(form)
    pool = model.pool_size(integration, store)
    values.update(
        source=V3_COST_SOURCES[integration],
        orders=formatting.number(model.monthly_orders(store)),
        platforms=pool,
    )
    return (
        ngettext(
            "Typical for %(integration)s at about %(orders)s orders a month and %(platforms)s "
            "platform: %(amount)s %(currency)s. %(source)s",
            "Typical for %(integration)s at about %(orders)s orders a month and %(platforms)s "
            "platforms: %(amount)s %(currency)s. %(source)s",
            pool,
        )
        % values
    )


def integration_short(key: str) -> str:
    """An integration in a few words, version 3's managed service included."""
    if key in INTEGRATIONS:
        return str(INTEGRATIONS[key].short)
    return _("managed service")


def _typed_value(form, name: str, integration: str | None, costs) -> str:
    """A cost field's text: empty (showing the typical cost as its placeholder)
    when the cost is the integration's typical one, so that choosing another
    integration fills in that one's; what the visitor typed otherwise."""
    value = form[name].value()
    data = getattr(form, "cleaned_data", {})
    if name in form.errors or value in (None, ""):
        return "" if value is None else str(value)
    typical = costs[integration][0 if name == "setup_cost" else 1] if integration else None
    if integration and data.get(name) == typical and name not in form.given_keys():
        return ""
    return str(value)


@dataclass(frozen=True)
class FieldWords:
    """What a field shows that depends on the page's language only."""

    label: str
    hint: str
    choices: tuple[tuple[str, str], ...]


def _worded(bound) -> FieldWords:
    """A field's label, hint, choices and choice data, worded in the active
    language; the form's typing (how the language writes numbers) words the
    allowed range."""
    field_ = bound.field
    hint = " ".join(
        str(part)
        for part in (
            field_.help_text,
            _("Allowed: %(range)s.") % {"range": field_.range_text}
            if hasattr(field_, "range_text")
            else "",
        )
        if part
    )
    return FieldWords(
        label=str(bound.label),
        hint=hint,
        choices=tuple((key, str(text)) for key, text in getattr(field_, "choices", [])),
    )


def unit_text(unit: str | None, currency: str) -> str:
    """A field's unit as its label (and the CSV's row label) shows it: '%', the
    currency or the time word; a count needs none."""
    if unit == "money":
        return currency
    if unit == "months":
        return _("months")
    if unit == "weeks":
        return _("weeks")
    return unit if unit == "%" else ""


def field_views(form, names: list[str], currency: str, disabled: bool = False) -> list[FieldView]:
    """The fields ``names`` of a bound form as the field template shows them.

    Only the inputs the form's model version reads: an old link's page does not
    offer fields its version would ignore."""
    views = []
    integration = chosen_integration(form)
    explicit = bool(getattr(form, "cleaned_data", {}).get("integration"))
    keys = form.model_keys
    # Version 3's typical costs measure the store: only where a field shows them.
    shows_costs = any(name in COSTS or name == "integration" for name in names)
    costs = typical_costs(form) if shows_costs else {}
    for name in names:
        if name == "integration" and name not in keys:
            name = "setup"  # a version 1 link: the setup as it was chosen then
        if name not in keys and not (name == "store" and "server_ip" in keys):
            continue
        bound = form[name]
        field_ = bound.field
        unit = getattr(field_, "unit", "")
        unit_words = unit_text(unit, currency)
        words = _worded(bound)
        hint = words.hint
        value = bound.value()
        text = "" if value is None else str(value)
        source = str(SOURCES.get(name, ""))
        placeholder = ""
        option_data: dict[str, dict[str, str]] = {}
        if name in COSTS:
            text = _typed_value(form, name, integration if explicit else None, costs)
            placeholder = typical_text(costs[integration][0 if name == "setup_cost" else 1])
            source = _cost_source(form, integration, name, currency, costs)
        elif name == "integration":
            text = integration
            option_data = {
                key: {
                    "setup-cost": typical_text(setup),
                    "monthly-cost": typical_text(monthly),
                    "short": integration_short(key),
                }
                for key, (setup, monthly) in costs.items()
            }
        if name == "cpa_gain" and "lift_share" in keys:
            source = str(V3_CPA_GAIN)
        elif name == "cpa_gain" and "lift_slope" not in keys:
            help_text, source = (str(text) for text in V1_CPA_GAIN)
            hint = _("%(help)s Allowed: %(range)s.") % {
                "help": help_text,
                "range": field_.range_text,
            }
        views.append(
            FieldView(
                name=name,
                id=bound.id_for_label,
                label=words.label,
                unit=unit_words,
                value=text,
                hint=hint,
                source=source,
                errors=list(bound.errors),
                choices=list(words.choices),
                placeholder=placeholder,
                option_data=option_data,
                disabled=disabled,
            )
        )
    return views


def carried_inputs(form, shown: set[str]) -> list[tuple[str, str]]:
    """(name, value) of every input the link gives that the page shows no field
    for (another platform's, or Meta's route named apart from the integration),
    so that the next update keeps it."""
    return [
        (name, str(form[name].value()))
        for name in form.model_keys
        if name not in shown and name in form.given_keys() and name in form.fields
    ]


@dataclass(frozen=True)
class FormLayout:
    """The form as a version shows it: its groups, its platforms' fieldsets
    (version 3), its advanced groups, and the inputs it carries unseen."""

    groups: list
    platforms: list[PlatformGroup]
    advanced: list
    advanced_names: list[str]
    every_field: list[FieldView]
    carried: list[tuple[str, str]]


def _groups(form, spec, currency: str) -> list:
    """(legend, field views) of each group that has a field this version reads."""
    views = [(legend, field_views(form, names, currency)) for legend, names in spec]
    return [(legend, shown) for legend, shown in views if shown]


def form_layout(form, currency: str) -> FormLayout:
    """Version 3 asks where the store advertises first; older links keep their form."""
    platforms = platform_groups(form, currency)
    v3 = bool(platforms)
    groups = _groups(form, GROUPS_V3 if v3 else GROUPS, currency)
    advanced_spec = ADVANCED_GROUPS_V3 if v3 else ADVANCED_GROUPS
    advanced = _groups(form, advanced_spec, currency)
    every = [view for _, views in [*groups, *advanced] for view in views]
    every += [view for group in platforms for view in (*group.fields, *group.more)]
    return FormLayout(
        groups=groups,
        platforms=platforms,
        advanced=advanced,
        advanced_names=[name for _, names in advanced_spec for name in names],
        every_field=every,
        carried=carried_inputs(form, {view.name for view in every}),
    )


def changed_from_defaults(form, names: list[str]) -> int:
    """How many of ``names`` the visitor set away from their defaults (or got wrong)."""
    data = getattr(form, "cleaned_data", {})
    changed = 0
    for name in names:
        differs = name in data and data[name] != getattr(model.DEFAULTS, name)
        if name in form.errors or differs:
            changed += 1
    return changed


def preset_links() -> list[tuple[str, str]]:
    """(label, query string) for each preset; a preset is only a link."""
    return [(str(label), urlencode(values)) for label, values in PRESETS]
