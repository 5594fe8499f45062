"""How the page shows the form: its groups of fields, each field's words, the presets.

``FieldView`` is the one description of a field that the page, the embed,
the builder and the lead form show; templates/calculator/_field.html
renders it. The words come from the form (labels, help, ranges) and from
here (the sources of the defaults, the typical costs of an integration).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import formatting, model
from .forms import COSTS
from .integrations import INTEGRATIONS, typical_cost

# Common fields up front, in the order a marketer thinks of them.
GROUPS = [
    (
        gettext_lazy("Your business"),
        ["spend", "conversions", "orders", "aov", "margin", "currency"],
    ),
    (gettext_lazy("Tracking loss today"), ["consent", "adblock", "safari"]),
    (gettext_lazy("What CAPI changes"), ["integration", "cpa_gain", "mode"]),
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
        "and Meta models part of the loss itself (AEM)."
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
        "Default 92%, with hashed email, phone, external_id, fbp and fbc sent from the server."
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
    if isinstance(raw, str) and raw in INTEGRATIONS:
        return raw
    return "sgtm_self" if data.get("setup") == "relay" else "custom"


def typical_text(value: float) -> str:
    """A typical cost as a placeholder and hint show it: plain digits on English
    pages ('1500'), the language's grouping elsewhere ('1.500', '1 500'), which
    that page's form reads back as the same amount."""
    if formatting.active_locale() is None:
        return model.format_number(value)
    return formatting.number(value, 0 if float(value).is_integer() else 2)


def _cost_source(integration: str, name: str, currency: str) -> str:
    item = INTEGRATIONS[integration]
    typical = typical_cost(integration, name)
    amount = typical_text(typical)
    return _("Typical for %(integration)s: %(amount)s %(currency)s. %(source)s") % {
        "integration": item.short,
        "amount": amount,
        "currency": currency,
        "source": item.source,
    }


def _typed_value(form, name: str, integration: str | None) -> str:
    """A cost field's text: empty (showing the typical cost as its placeholder)
    when the cost is the integration's typical one, so that choosing another
    integration fills in that one's; what the visitor typed otherwise."""
    value = form[name].value()
    data = getattr(form, "cleaned_data", {})
    if name in form.errors or value in (None, ""):
        return "" if value is None else str(value)
    if integration and data.get(name) == typical_cost(integration, name):
        return ""
    return str(value)


@dataclass(frozen=True)
class FieldWords:
    """What a field shows that depends on the page's language only."""

    label: str
    hint: str
    choices: tuple[tuple[str, str], ...]
    option_data: dict[str, dict[str, str]]


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
    option_data: dict[str, dict[str, str]] = {}
    if bound.name == "integration":
        option_data = {
            key: {
                "setup-cost": typical_text(item.setup_cost),
                "monthly-cost": typical_text(item.monthly_cost),
                "short": str(item.short),
            }
            for key, item in INTEGRATIONS.items()
        }
    return FieldWords(
        label=str(bound.label),
        hint=hint,
        choices=tuple((key, str(text)) for key, text in getattr(field_, "choices", [])),
        option_data=option_data,
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


def field_views(form, names: list[str], currency: str) -> list[FieldView]:
    """The fields ``names`` of a bound form as the field template shows them.

    Only the inputs the form's model version reads: an old link's page does not
    offer fields its version would ignore."""
    views = []
    integration = chosen_integration(form)
    explicit = bool(getattr(form, "cleaned_data", {}).get("integration"))
    keys = form.model_keys
    for name in names:
        if name == "integration" and name not in keys:
            name = "setup"  # a version 1 link: the setup as it was chosen then
        if name not in keys:
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
            text = _typed_value(form, name, integration if explicit else None)
            placeholder = typical_text(typical_cost(integration, name))
            source = _cost_source(integration, name, currency)
        elif name == "integration":
            text = integration
            option_data = words.option_data
        if name == "cpa_gain" and "lift_slope" not in keys:
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
            )
        )
    return views


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
