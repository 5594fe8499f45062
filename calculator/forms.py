"""The validation boundary: query strings and form posts become model inputs.

Every request's data passes through ``CalculatorForm`` before the model sees
it. A missing key takes docs/model.md's default, an unknown key is ignored, and
anything else that is not a plain number inside its range is an error that
names the field and states the range in words a marketer understands. The
visitor's text is never echoed back in a message.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from babel.lists import format_list
from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import formatting, model
from .integrations import INTEGRATIONS, typical_cost
from .numbers import (
    NUMBER,
    Ambiguous,
    Typing,
    amount,
    describe_range,
    marked_currencies,
    parse_typed,
    typing_for,
    understood,
)

MAX_NUMBER_TEXT = 40
MAX_QUERY = 1000  # the longest query kept: a canonical one of every input is under 800
# The blanks an empty number field may hold (a browser's or a hand-typed
# link's), and the same set as a pattern for the OpenAPI document, so the
# API and its schema agree on what counts as empty.
BLANKS = " \t\n\r\f\v\u00a0\u202f"
BLANK_PATTERN = "^[ \\t\\n\\r\\f\\v\\u00a0\\u202f]*$"
PERCENT_DECIMALS = 4


class NumberField(forms.Field):
    """A bounded number, read as people type it; ``integer`` allows whole numbers only."""

    def __init__(self, key: str, label: str, unit: str, help_text: str = "", **kwargs: Any):
        self.key = key
        self.unit = unit
        # Versions 1 and 2's range where they have the key; a version 3 form
        # sets version 3's (CalculatorForm.__init__).
        self.limit = model.LIMITS.get(key) or model.LIMITS_V3[key]
        self.typing: Typing | None = None
        # Worded when shown, in the language of the request, not at import.
        messages = {"required": lazy(self._required, str)()}
        super().__init__(label=label, help_text=help_text, error_messages=messages, **kwargs)

    def read_as(self, language: str | None) -> None:
        """Read and word numbers as ``language``'s people type them (None: as the
        API does, in every language alike). Called on a form's own copy of the field."""
        self.typing = typing_for(language)

    @property
    def range_text(self) -> str:
        return describe_range(self.limit, self.unit, self.typing)

    def _values(self) -> dict[str, str]:
        return {"field": str(self.label), "range": self.range_text}

    def _required(self) -> str:
        if self.limit.integer:
            return _("%(field)s is empty: enter a whole number %(range)s.") % self._values()
        return _("%(field)s is empty: enter a number %(range)s.") % self._values()

    @property
    def message(self) -> str:
        if self.limit.integer:
            return _("%(field)s must be a whole number %(range)s.") % self._values()
        return _("%(field)s must be a number %(range)s.") % self._values()

    @property
    def not_a_number(self) -> str:
        values = self._values()
        if self.unit == "money":
            if self.limit.integer:
                return (
                    _("%(field)s must be a whole number %(range)s (for example 30000 or 30k).")
                    % values
                )
            return _("%(field)s must be a number %(range)s (for example 30000 or 30k).") % values
        if self.unit == "count":
            if self.limit.integer:
                return (
                    _("%(field)s must be a whole number %(range)s (for example 400 or 1.2k).")
                    % values
                )
            return _("%(field)s must be a number %(range)s (for example 400 or 1.2k).") % values
        return self.message

    def _out_of_range(self, number: float) -> str:
        values = {**self._values(), "read": understood(number, self.typing)}
        if self.limit.integer:
            return _("%(field)s must be a whole number %(range)s; this reads as %(read)s.") % values
        return _("%(field)s must be a number %(range)s; this reads as %(read)s.") % values

    def to_python(self, value: Any) -> float | int | None:
        if isinstance(value, list):
            raise ValidationError(
                _("%(field)s was given more than once.") % {"field": self.label}, code="repeated"
            )
        if value is None:
            return None
        text = str(value).strip(BLANKS)
        if text in self.empty_values:
            return None
        if len(text) > MAX_NUMBER_TEXT:
            raise ValidationError(self.message, code="invalid")
        try:
            number = parse_typed(text, self.unit, self.typing)
        except Ambiguous as ambiguous:
            allowed = [n for n in ambiguous.readings if self.limit.in_range(n)]
            if len(allowed) != 1:
                first, second = (understood(n, self.typing) for n in ambiguous.readings)
                raise ValidationError(
                    _(
                        "%(field)s could be %(first)s or %(second)s: type the number "
                        "without a thousands separator."
                    )
                    % {"field": self.label, "first": first, "second": second},
                    code="ambiguous",
                ) from None
            number = allowed[0]
        except ValueError:
            raise ValidationError(self.not_a_number, code="invalid") from None
        if not self.limit.in_range(number):
            if not math.isfinite(number) or NUMBER.fullmatch(text):
                raise ValidationError(self.message, code="range")
            # Typed as '30k' or '1,5': say what it was read as.
            raise ValidationError(self._out_of_range(number), code="range")
        if self.limit.cents:
            number = round(number, 2)  # money is counted in whole cents
        elif self.unit == "%":
            # A ten-thousandth of a percent is finer than any estimate; rounding
            # there keeps denormals such as 1e-320 from dividing into overflow.
            number = round(number, PERCENT_DECIMALS)
        return int(number) if self.limit.integer else number


class ChoiceKeyField(forms.ChoiceField):
    """One of a fixed set of words; a repeated key is an error, not a guess."""

    def to_python(self, value: Any) -> str:
        if isinstance(value, list):
            raise ValidationError(
                _("%(field)s was given more than once.") % {"field": self.label}, code="repeated"
            )
        return super().to_python(value)


class VersionField(forms.Field):
    """A known model version; the set is read at validation, as versions can be added."""

    def to_python(self, value: Any) -> int:
        if isinstance(value, list):
            raise ValidationError(_("Model version was given more than once."), code="repeated")
        text = str(value or "").strip()
        if text.isascii() and text.isdigit() and len(text) < 6 and int(text) in model.VERSIONS:
            return int(text)
        names = ", ".join(str(n) for n in sorted(model.VERSIONS))
        raise ValidationError(
            _("Model version must be one of: %(versions)s.") % {"versions": names}, code="invalid"
        )


def _choice(
    label: str, choices: list[tuple[str, str]], help_text: str = "", required: bool = True
) -> ChoiceKeyField:
    names = ", ".join(f"“{key}”" for key, _text in choices)
    values = {"field": label, "choices": names}
    return ChoiceKeyField(
        label=label,
        choices=choices,
        help_text=help_text,
        required=required,
        error_messages={
            "invalid_choice": lazy(
                lambda: _("%(field)s must be one of %(choices)s.") % values, str
            )(),
            "required": lazy(lambda: _("%(field)s: choose one of %(choices)s.") % values, str)(),
        },
    )


CURRENCY_CHOICES = [(code, code) for code in model.CURRENCIES]
SETUP_CHOICES = [
    ("backend", gettext_lazy("From the store or CRM backend")),
    ("relay", gettext_lazy("Browser tags relayed by a server (sGTM / CAPI Gateway)")),
]
INTEGRATION_CHOICES = [(item.key, item.label) for item in INTEGRATIONS.values()]
# Version 3 adds its own words for Meta's Gateway (its own route), the managed
# service, the relay's address and the other platforms' routes.
SETUP_CHOICES_V3 = [
    ("backend", gettext_lazy("From the store or CRM backend")),
    ("relay", gettext_lazy("Browser tags relayed by a server container (sGTM)")),
    ("gateway", gettext_lazy("Meta's Conversions API Gateway")),
]
INTEGRATION_CHOICES_V3 = [
    *INTEGRATION_CHOICES,
    ("managed", gettext_lazy("Managed service (Elevar-like)")),
]
SERVER_IP_CHOICES = [
    ("same", gettext_lazy("The site's own address (its load balancer or CDN)")),
    ("third", gettext_lazy("An address of its own (a hosted container)")),
]
ROUTE_CHOICES = [
    ("backend", gettext_lazy("From the store or CRM backend")),
    ("relay", gettext_lazy("Browser tags relayed by a server container (sGTM)")),
    ("none", gettext_lazy("No server events: the browser tag only")),
]
# What the store runs on: which native integrations the comparison offers.
STORE_CHOICES = [
    ("shopify", gettext_lazy("Shopify")),
    ("woocommerce", gettext_lazy("WooCommerce")),
    ("other", gettext_lazy("Another shop system, or my own")),
]
# Costs that an empty field leaves to the chosen integration's typical figure.
COSTS = ("setup_cost", "monthly_cost")
MODE_CHOICES = [
    ("more", gettext_lazy("More purchases for the same spend")),
    ("save", gettext_lazy("Same purchases for less spend")),
]


DEFAULT_INTEGRATION = "custom"
# The currency a page starts in where its readers mostly pay in another than
# the model's default (USD, which English pages and the API keep).
LANGUAGE_CURRENCIES = {"de": "EUR", "fr": "EUR", "es": "EUR"}
# Every key the form reads: version 2's, then those only version 3 reads.
FORM_KEYS = tuple(dict.fromkeys((*model.INPUT_KEYS, *model.V3_KEYS)))
# The platforms as a marketer names them, in the model's order.
PLATFORM_NAMES = model.PLATFORM_NAMES


def _default_text(name: str, defaults: model.Inputs = model.DEFAULTS) -> str:
    value = getattr(defaults, name, None)
    if value is None:
        return ""
    return value if isinstance(value, str) else model.format_number(value)


def _values(query: Mapping[str, Any], name: str) -> list[Any]:
    if hasattr(query, "getlist"):
        return list(query.getlist(name))
    return [query[name]] if name in query else []


def version_of(query: Mapping[str, Any]) -> int:
    """The model version a query names; the current one when it names none (or
    names it badly, which the version field then reports)."""
    values = _values(query, "v")
    text = str(values[0]).strip() if len(values) == 1 else ""
    if text.isascii() and text.isdigit() and len(text) < 6 and int(text) in model.VERSIONS:
        return int(text)
    return model.CURRENT_VERSION


def default_currency(language: str | None) -> str:
    """The currency a page in ``language`` starts in; the model's default for
    English and for no language (the API, stored links)."""
    code = (language or "").replace("_", "-").split("-")[0].lower()
    return LANGUAGE_CURRENCIES.get(code, model.DEFAULTS.currency)


# "Where do you advertise?": the page's checkboxes, not a model input. A form
# that has them sends `ads` (an empty one always, so that unchecking every
# box still says so); a platform left unchecked is left out of the result.
ADS = "ads"


def platform_keys(platform: str) -> tuple[str, ...]:
    """A platform's own inputs (Meta's without the prefix)."""
    return tuple(key for key in model.V3_KEYS if key.startswith(f"{platform}_")) or (
        "spend",
        "conversions",
        "match_before",
        "match_after",
        "acr",
        "lift_share",
        "cpa_gain",
    )


def checked_platforms(query: Mapping[str, Any]) -> list[str] | None:
    """The platforms the query's checkboxes name, or None when it has none."""
    if ADS not in query:
        return None
    named = {str(value) for value in _values(query, ADS)}
    return [platform for platform in model.PLATFORMS if platform in named]


def _leave_out_unchecked(data: dict[str, Any], query: Mapping[str, Any], defaults) -> None:
    """An unchecked platform has no spend: Meta's is 0, the others' empty, and
    its other inputs are their defaults, so that its link names none of them."""
    checked = checked_platforms(query) or []
    for platform in model.PLATFORMS:
        if platform in checked:
            continue
        for key in platform_keys(platform):
            data[key] = _default_text(key, defaults)
        if platform == "meta":
            data["spend"] = "0"


def with_defaults(query: Mapping[str, Any], currency: str | None = None) -> dict[str, Any]:
    """Form data from a query: the given keys, the version's default for the missing.

    Keys the query's model version does not read are ignored, as unknown keys
    are: a version 1 link with ``orders`` in it keeps version 1's numbers. A
    key given more than once stays a list, for its field to refuse. A missing
    currency is ``currency`` when given (the page's language's), else the
    model's default.
    """
    version_model = model.VERSIONS[version_of(query)]
    data: dict[str, Any] = {}
    for name in (*FORM_KEYS, "v"):
        if name == "v" and name not in query:
            data[name] = str(model.CURRENT_VERSION)
            continue
        if name == "currency" and name not in query and currency is not None:
            data[name] = currency
            continue
        if name != "v" and name not in version_model.keys:
            data[name] = _default_text(name, version_model.defaults)
            continue
        if name not in query and name in COSTS:
            data[name] = ""  # the chosen integration's typical cost
            continue
        if name not in query and name == "integration":
            # A link that names a setup but no integration (made before the
            # question was asked) keeps its setup; otherwise the default
            # integration matches the model's default setup and costs.
            data[name] = "" if "setup" in query else DEFAULT_INTEGRATION
            continue
        if name not in query or (name != "v" and name not in version_model.keys):
            data[name] = _default_text(name, version_model.defaults)
            continue
        values = _values(query, name)
        data[name] = values[0] if len(values) == 1 else list(values)
    if version_model.number >= 3 and ADS in query:
        _leave_out_unchecked(data, query, version_model.defaults)
    # Not a model input: every version reads it (only version 3 compares
    # integrations), so a bad value is refused whatever the version.
    stores = _values(query, "store")
    data["store"] = stores[0] if len(stores) == 1 else list(stores) or model.DEFAULT_STORE
    return data


# The inputs the true Meta-driven purchases N follow from: the orders rule
# needs these valid, and nothing else.
BEHIND_N = (
    "conversions",
    "consent",
    "att",
    "adblock",
    "safari",
    "itp",
    "connectivity",
    "match_before",
)


def following_setup(inputs: model.Inputs) -> dict[str, str | None]:
    """Google's and TikTok's routes, empty where they are what Meta's setup
    gives them anyway: the same figures, and a link that names no more than
    it must."""
    follows = {"backend": "backend", "relay": "relay", "gateway": "none"}[inputs.setup]
    return {
        key: None if getattr(inputs, key) == follows else getattr(inputs, key)
        for key in ("google_route", "tiktok_route")
    }


def _cause(name: str):
    """A loss cause's rate, labelled with the cause's one name (model.CAUSE_NAMES,
    marked for translation in charts.py)."""
    return gettext_lazy(model.CAUSE_NAMES[name])


# A platform that reports more than this share of every order the store takes
# is claiming purchases it did not drive (view-through, long windows).
CLAIMS_MOST = 0.7


def claims_most_text(platform: str, reported: str, orders: str, count: float) -> str:
    """The orders message when a platform's own report is most of the store's orders."""
    return ngettext(
        "%(platform)s reports %(reported)s purchases, most of your %(orders)s order: "
        "view-through and long attribution windows make an ads manager claim purchases its "
        "ads did not drive, so with any tracking loss its true purchases would exceed your "
        "orders. Enter the purchases from a 7-day click window, or check the orders.",
        "%(platform)s reports %(reported)s purchases, most of your %(orders)s orders: "
        "view-through and long attribution windows make an ads manager claim purchases its "
        "ads did not drive, so with any tracking loss its true purchases would exceed your "
        "orders. Enter the purchases from a 7-day click window, or check the orders.",
        1 if count == 1 else 2,
    ) % {"platform": platform, "reported": reported, "orders": orders}


class CalculatorForm(forms.Form):
    """The model's inputs, with its defaults, bounds and rules across fields."""

    spend = NumberField(
        "spend",
        gettext_lazy("Monthly Meta ad spend"),
        "money",
        gettext_lazy("What you spend on Meta ads in a month."),
    )
    conversions = NumberField(
        "conversions",
        gettext_lazy("Purchases reported per month"),
        "count",
        gettext_lazy("What Ads Manager reports today with the Pixel alone."),
    )
    orders = NumberField(
        "orders",
        gettext_lazy("Orders your store takes a month, all channels"),
        "count",
        gettext_lazy(
            "Optional: every order, from every channel. It checks that the loss rates are "
            "possible and shows how much of your business Meta drives."
        ),
        required=False,
    )
    aov = NumberField("aov", gettext_lazy("Average order value"), "money")
    margin = NumberField(
        "margin",
        gettext_lazy("Contribution margin"),
        "%",
        gettext_lazy("Share of an order's value left after product, shipping and fees."),
    )
    currency = _choice(gettext_lazy("Currency"), CURRENCY_CHOICES)
    consent = NumberField(
        "consent",
        _cause("consent"),
        "%",
        gettext_lazy("Buyers from Meta ads who refuse tracking consent (0 outside the EU)."),
    )
    att = NumberField(
        "att",
        _cause("att"),
        "%",
        gettext_lazy("Conversions lost to App Tracking Transparency opt-outs."),
    )
    adblock = NumberField(
        "adblock",
        _cause("adblock"),
        "%",
        gettext_lazy("Buyers whose browser blocks the Pixel."),
    )
    safari = NumberField(
        "safari",
        gettext_lazy("Safari share"),
        "%",
        gettext_lazy("Buyers on Safari or another WebKit browser."),
    )
    itp = NumberField(
        "itp",
        _cause("itp"),
        "%",
        gettext_lazy("Safari purchases made after the click's cookie expired (ITP caps)."),
    )
    connectivity = NumberField(
        "connectivity",
        _cause("connectivity"),
        "%",
        gettext_lazy("Pixel events lost to slow pages and network failures."),
    )
    match_before = NumberField(
        "match_before",
        gettext_lazy("Match rate, Pixel only"),
        "%",
        gettext_lazy(
            "The share of received purchase events Meta can match to a person today. It "
            "is a share, not Events Manager's Event Match Quality, which is a 0–10 score."
        ),
    )
    match_after = NumberField(
        "match_after",
        gettext_lazy("Match rate with CAPI"),
        "%",
        gettext_lazy(
            "The same with hashed email, phone, external_id and Meta's browser and click "
            "cookies (fbp, fbc) sent from the server."
        ),
    )
    integration = _choice(
        gettext_lazy("How will you send server events?"),
        INTEGRATION_CHOICES,
        gettext_lazy("It sets what CAPI can recover and fills in typical costs."),
        required=False,
    )
    setup = _choice(
        gettext_lazy("Setup"), SETUP_CHOICES, gettext_lazy("How the server events reach Meta.")
    )
    acr = NumberField(
        "acr",
        gettext_lazy("Measured additional conversions"),
        "%",
        gettext_lazy(
            "Optional: the “additional conversions reported” (ACR) figure from Events "
            "Manager, if CAPI already runs. It replaces the estimate."
        ),
        required=False,
    )
    lift_slope = NumberField(
        "lift_slope",
        gettext_lazy("Lift per extra signal"),
        "%",
        gettext_lazy(
            "How far true CPA falls for each extra matched purchase event: 20 means "
            "10% more events lower it by 2%. Used when the CPA improvement is empty."
        ),
    )
    cpa_gain = NumberField(
        "cpa_gain",
        gettext_lazy("Expected true CPA improvement"),
        "%",
        gettext_lazy(
            "How much cheaper each real purchase becomes. Leave empty to estimate it "
            "from the extra signal CAPI sends; enter your own from a holdout test."
        ),
        required=False,
    )
    mode = _choice(gettext_lazy("Take the gain as"), MODE_CHOICES)
    ramp = NumberField(
        "ramp",
        gettext_lazy("Ramp-up"),
        "months",
        gettext_lazy("Months until the lift is at full strength."),
    )
    setup_cost = NumberField(
        "setup_cost",
        gettext_lazy("One-time setup cost"),
        "money",
        gettext_lazy("Leave empty for the typical cost of your integration."),
        required=False,
    )
    monthly_cost = NumberField(
        "monthly_cost",
        gettext_lazy("Monthly running cost"),
        "money",
        gettext_lazy("Hosting, subscriptions and upkeep. Leave empty for the typical cost."),
        required=False,
    )
    months = NumberField("months", gettext_lazy("Horizon"), "months")
    discount = NumberField(
        "discount", gettext_lazy("Annual discount rate"), "%", gettext_lazy("Used for the NPV.")
    )
    holdout_weeks = NumberField(
        "holdout_weeks",
        gettext_lazy("Holdout test length"),
        "weeks",
        gettext_lazy("How long a test/control test would run."),
    )
    holdout_share = NumberField(
        "holdout_share",
        gettext_lazy("Share held out"),
        "%",
        gettext_lazy("Share of Meta-driven purchases in the control arm, without CAPI."),
    )
    # Version 3: the relay's address, Meta's share of the randomized lift, and
    # the other platforms a server container feeds (docs/model.md, version 3).
    server_ip = _choice(
        gettext_lazy("Where the server answers from"),
        SERVER_IP_CHOICES,
        gettext_lazy(
            "For a relay or the Gateway: Safari keeps cookies that a server on another "
            "address sets for 7 days only."
        ),
    )
    lift_share = NumberField(
        "lift_share",
        gettext_lazy("Share of the study's lift, Meta"),
        "%",
        gettext_lazy(
            "How much of the lift the one randomized study implies Meta's extra signal "
            "earns. Used when the CPA improvement is empty."
        ),
    )
    google_spend = NumberField(
        "google_spend",
        gettext_lazy("Monthly Google Ads spend"),
        "money",
        gettext_lazy("Optional: empty or 0 when you run no Google Ads."),
        required=False,
    )
    google_conversions = NumberField(
        "google_conversions",
        gettext_lazy("Purchases Google Ads reports per month"),
        "count",
        gettext_lazy("What Google Ads reports today from the browser tag alone."),
        required=False,
    )
    google_match_before = NumberField(
        "google_match_before",
        gettext_lazy("Google Ads match rate, browser tag only"),
        "%",
    )
    google_match_after = NumberField(
        "google_match_after",
        gettext_lazy("Google Ads match rate with enhanced conversions"),
        "%",
    )
    google_modelled = NumberField(
        "google_modelled",
        gettext_lazy("Consent-lost conversions Google models back"),
        "%",
        gettext_lazy(
            "Share of the Google Ads conversions lost to refused consent that Consent Mode "
            "already models into its reports."
        ),
    )
    google_route = _choice(
        gettext_lazy("How server events reach Google Ads"),
        ROUTE_CHOICES,
        gettext_lazy("Empty: as Meta's setup."),
        required=False,
    )
    google_lift_share = NumberField(
        "google_lift_share",
        gettext_lazy("Share of the study's lift, Google Ads"),
        "%",
        gettext_lazy("0 by default: no randomized estimate exists for Google Ads."),
    )
    google_cpa_gain = NumberField(
        "google_cpa_gain",
        gettext_lazy("Expected true CPA improvement, Google Ads"),
        "%",
        gettext_lazy("Optional: your own figure from a holdout test."),
        required=False,
    )
    tiktok_spend = NumberField(
        "tiktok_spend",
        gettext_lazy("Monthly TikTok ad spend"),
        "money",
        gettext_lazy("Optional: empty or 0 when you run no TikTok ads."),
        required=False,
    )
    tiktok_conversions = NumberField(
        "tiktok_conversions",
        gettext_lazy("Purchases TikTok reports per month"),
        "count",
        gettext_lazy("What TikTok Ads Manager reports today from the Pixel alone."),
        required=False,
    )
    tiktok_match_before = NumberField(
        "tiktok_match_before",
        gettext_lazy("TikTok match rate, Pixel only"),
        "%",
    )
    tiktok_match_after = NumberField(
        "tiktok_match_after",
        gettext_lazy("TikTok match rate with the Events API"),
        "%",
    )
    tiktok_route = _choice(
        gettext_lazy("How server events reach TikTok"),
        ROUTE_CHOICES,
        gettext_lazy("Empty: as Meta's setup."),
        required=False,
    )
    tiktok_lift_share = NumberField(
        "tiktok_lift_share",
        gettext_lazy("Share of the study's lift, TikTok"),
        "%",
        gettext_lazy("0 by default: no randomized estimate exists for TikTok."),
    )
    tiktok_cpa_gain = NumberField(
        "tiktok_cpa_gain",
        gettext_lazy("Expected true CPA improvement, TikTok"),
        "%",
        gettext_lazy("Optional: your own figure from a holdout test."),
        required=False,
    )
    store = _choice(
        gettext_lazy("What your store runs on"),
        STORE_CHOICES,
        gettext_lazy(
            "It says which native integrations the comparison offers you; it changes no "
            "other figure."
        ),
        required=False,
    )
    v = VersionField(label=gettext_lazy("Model version"), widget=forms.HiddenInput)

    def __init__(
        self, query: Mapping[str, Any] | None = None, language: str | None = None, **kwargs: Any
    ):
        """Bind ``query`` (a QueryDict or a dict) with defaults for missing keys.

        A key given more than once arrives as a list, which the fields reject.
        ``language`` is the page's: its numbers are read as its people type them
        ('30.000' is thirty thousand in German) and its currency is the one a
        missing ``currency`` means (the euro on a German page). Without one (the
        API, stored links) numbers are read alike in every language, in USD.
        """
        currency = default_currency(language) if language else None
        super().__init__(data=with_defaults(query or {}, currency), **kwargs)
        self._canonical: str | None = None
        self._query = query or {}
        # Version 3's rules across fields that the inputs break, as the model
        # keys them (model.Problem); empty until a valid-looking form is cleaned.
        self.rules_broken: dict[str, Any] = {}
        if version_of(self._query) == 3:
            self._read_as_version_3()
        self.typing = typing_for(language)
        if self.typing is not None:
            for field_ in self.fields.values():
                if isinstance(field_, NumberField):
                    field_.read_as(language)

    def clean_store(self) -> str:
        return self.cleaned_data["store"] or model.DEFAULT_STORE  # empty: the default

    def _read_as_version_3(self) -> None:
        """Version 3's ranges (a platform's spend may be 0) and choices (Meta's
        Gateway, the managed service), on this form's own copies of the fields."""
        for name, field_ in self.fields.items():
            if isinstance(field_, NumberField) and name in model.LIMITS_V3:
                field_.limit = model.LIMITS_V3[name]
        setup, integration = self.fields["setup"], self.fields["integration"]
        self.fields["setup"] = _choice(setup.label, SETUP_CHOICES_V3, setup.help_text)
        self.fields["integration"] = _choice(
            integration.label, INTEGRATION_CHOICES_V3, integration.help_text, required=False
        )

    def clean(self) -> dict[str, Any]:
        self._check_currency_marks(super().clean())
        if version_of(self._query) == 3:
            return self._clean_v3(self.cleaned_data)
        data = self.cleaned_data
        for name in ("google_route", "tiktok_route"):  # read by version 3 alone
            if name in data:
                data[name] = data[name] or None
        integration = data.get("integration") or None
        if "integration" in data:
            data["integration"] = integration
        if integration is not None:
            # The integration decides what the server events can recover.
            data["setup"] = INTEGRATIONS[integration].setup
        currency = data.get("currency") or model.DEFAULTS.currency
        for name in COSTS:
            if name in data and data[name] is None and "integration" in data:
                data[name] = typical_cost(integration, name, currency)
        before, after = data.get("match_before"), data.get("match_after")
        if before is not None and after is not None and after < before:
            self.add_error(
                "match_after",
                _(
                    "Match rate with CAPI must be at least the match rate with the Pixel only "
                    "(%(before)s%%), and at most 100%%."
                )
                % {"before": amount(before, self.typing)},
            )
        version_model = model.VERSIONS.get(data.get("v") or version_of(self.data))
        if (
            version_model is not None
            and "lift_slope" not in version_model.keys
            and data.get("cpa_gain") is None
        ):
            # Version 1 has no estimate: its lift must be given.
            self.add_error("cpa_gain", self.fields["cpa_gain"].error_messages["required"])
        if data.get("orders") is not None and all(data.get(k) is not None for k in BEHIND_N):
            self._check_orders(data)
        return data

    def _check_currency_marks(self, data: dict[str, Any]) -> None:
        """An amount typed with another currency's symbol ('€30k' with GBP
        chosen) is refused: read as the chosen currency it would be off by the
        exchange rate, and converting it would be a guess at the rate meant."""
        currency = data.get("currency")
        if currency is None:
            return
        for name, field_ in self.fields.items():
            raw = self.data.get(name)
            if name not in data or getattr(field_, "unit", None) != "money":
                continue
            if not isinstance(raw, str) or not raw.strip(BLANKS):
                continue
            marked = marked_currencies(raw, self.typing)
            if all(currency in codes for codes in marked):
                continue
            meant = {code for codes in marked for code in codes} - {currency}
            typed = format_list(
                [code for code in model.CURRENCIES if code in meant],
                style="or",
                locale=formatting.active_locale() or "en",
            )
            self.add_error(
                name,
                _(
                    "%(field)s is typed in %(typed)s, but the currency chosen is "
                    "%(currency)s: type the amount in %(currency)s, or choose %(typed)s "
                    "as the currency."
                )
                % {"field": field_.label, "typed": typed, "currency": currency},
            )

    def _check_orders(self, data: dict[str, Any]) -> None:
        """The loss rates may not imply more Meta-driven purchases than the store sells."""
        implied = model.true_purchases(replace(model.DEFAULTS, **{k: data[k] for k in BEHIND_N}))
        if implied <= data["orders"]:
            return
        # The visitor's own figures, grouped as the page writes numbers ('1,200').
        reported = formatting.trimmed(data["conversions"], 2)
        orders = formatting.trimmed(data["orders"], 2)
        if data["conversions"] > CLAIMS_MOST * data["orders"]:
            self.add_error("orders", claims_most_text("Meta", reported, orders, data["orders"]))
            return
        self.add_error(
            "orders",
            ngettext(
                "The loss rates and the %(reported)s purchases reported imply about "
                "%(implied)s Meta-driven purchases a month, more than your %(orders)s order "
                "from every channel. Check the consent, ATT, ad blocker and Safari rates, the "
                "Pixel-only match rate and the purchases reported, or the orders.",
                "The loss rates and the %(reported)s purchases reported imply about "
                "%(implied)s Meta-driven purchases a month, more than your %(orders)s orders "
                "from every channel. Check the consent, ATT, ad blocker and Safari rates, the "
                "Pixel-only match rate and the purchases reported, or the orders.",
                1 if data["orders"] == 1 else 2,
            )
            % {
                "reported": reported,
                "implied": formatting.number(implied),
                "orders": orders,
            },
        )

    def given_keys(self) -> set[str]:
        """The keys the query gave a value, which an integration does not replace."""
        return {
            name
            for name in FORM_KEYS
            if (values := _values(self._query, name))
            and not (isinstance(values[0], str) and not values[0].strip(BLANKS))
        }

    def _clean_v3(self, data: dict[str, Any]) -> dict[str, Any]:
        """Version 3: the integration's routes and typical costs, each match rate
        against its own, then the model's rules across fields, worded."""
        for name in ("integration", "google_route", "tiktok_route"):
            data[name] = data.get(name) or None  # empty: none chosen
        for platform in model.PLATFORMS:
            before = f"{platform}_match_before" if platform != "meta" else "match_before"
            after = f"{platform}_match_after" if platform != "meta" else "match_after"
            self._check_match_rates(data, before, after)
        if self.errors:
            return data
        inputs = model.Inputs(**{name: data[name] for name in FORM_KEYS})
        if inputs.integration is not None:
            inputs = model.with_integration(inputs, self.given_keys())
        else:  # no integration named: an empty cost is the model's default
            defaults = {name: typical_cost(None, name) for name in COSTS if data[name] is None}
            inputs = replace(inputs, **defaults)
        for key, value in following_setup(inputs).items():
            data[key] = value
        for name in ("setup", *COSTS):
            data[name] = getattr(inputs, name)
        problems = model.MODELS[3].problems(model.Inputs(**{k: data[k] for k in FORM_KEYS}))
        self.rules_broken = problems
        for key, problem in problems.items():
            self.add_error(key, self._problem_text(key, problem))
        return data

    def _check_match_rates(self, data: dict[str, Any], before: str, after: str) -> None:
        low, high = data.get(before), data.get(after)
        if low is None or high is None or high >= low:
            return
        if after == "match_after":  # Meta's, worded as versions 1 and 2 word it
            self.add_error(
                after,
                _(
                    "Match rate with CAPI must be at least the match rate with the Pixel only "
                    "(%(before)s%%), and at most 100%%."
                )
                % {"before": amount(low, self.typing)},
            )
            return
        self.add_error(
            after,
            _("%(field)s must be at least %(other)s (%(before)s%%), and at most 100%%.")
            % {
                "field": self.fields[after].label,
                "other": self.fields[before].label,
                "before": amount(low, self.typing),
            },
        )

    def _problem_text(self, key: str, problem: Any) -> str:
        """A version 3 rule's problem (model.Problem) in words a marketer understands."""
        code = getattr(problem, "code", str(problem))
        platform = PLATFORM_NAMES.get(getattr(problem, "platform", None) or "meta", "Meta")
        n = getattr(problem, "n", None)
        # A figure, not a bound to type back: grouped as the page shows figures.
        implied = formatting.number(n) if n is not None else ""
        fix = _(
            "Enter your store's monthly orders so the calculator can check them, or lower "
            "the loss rates."
        )
        if code == "no_platform":
            return _(
                "Enter a monthly spend above 0 for at least one platform: Meta, Google Ads "
                "or TikTok."
            )
        if code == "required":
            return _(
                "%(platform)s has a spend: enter the purchases %(platform)s reports today, "
                "a number %(range)s."
            ) % {"platform": platform, "range": self.fields[key].range_text}
        if code == "above_orders":
            orders = self.cleaned_data["orders"]
            reported = self.cleaned_data[model.prefixed(problem.platform or "meta", "conversions")]
            if reported > CLAIMS_MOST * orders:
                return claims_most_text(
                    platform, formatting.trimmed(reported, 2), formatting.trimmed(orders, 2), orders
                )
            return ngettext(
                "Your loss rates and the purchases %(platform)s reports imply about "
                "%(implied)s purchases a month driven by %(platform)s, more than your "
                "%(orders)s order from every channel. Check the loss rates, the match rate "
                "without server events and the purchases reported, or the orders.",
                "Your loss rates and the purchases %(platform)s reports imply about "
                "%(implied)s purchases a month driven by %(platform)s, more than your "
                "%(orders)s orders from every channel. Check the loss rates, the match rate "
                "without server events and the purchases reported, or the orders.",
                1 if orders == 1 else 2,
            ) % {
                "platform": platform,
                "implied": implied,
                "orders": formatting.trimmed(orders, 2),
            }
        if code == "sees_under_a_fifth":
            return (
                _(
                    "Your loss rates say %(platform)s sees under a fifth of the purchases it "
                    "drives (N ≈ %(implied)s)."
                )
                % {"platform": platform, "implied": implied}
                + " "
                + fix
            )
        if code == "more_than_doubles":
            return (
                _(
                    "Your loss rates say that server events would more than double what "
                    "%(platform)s reports (N ≈ %(implied)s)."
                )
                % {"platform": platform, "implied": implied}
                + " "
                + fix
            )
        # The fields refuse every other problem first; a message still names the field.
        return self.fields[key].error_messages.get("invalid_choice") or getattr(
            self.fields[key], "message", str(problem)
        )

    def inputs(self) -> model.Inputs:
        """The validated inputs; call only when ``is_valid()``."""
        data = self.cleaned_data
        return model.Inputs(**{name: data[name] for name in FORM_KEYS})

    def canonical_query(self) -> str:
        """The normalised query string of a valid form: the identity of its result.

        Worked out once: a page asks for it for its links and its share panel,
        and a valid form's data no longer changes."""
        if self._canonical is None:
            pairs = [*model.canonical_pairs(self.inputs(), self.version), ("v", str(self.version))]
            if self.version == 3 and self.cleaned_data["store"] != model.DEFAULT_STORE:
                # Not the model's: named so a link shows the same comparison.
                pairs.insert(-1, ("store", self.cleaned_data["store"]))
            self._canonical = urlencode(pairs)
        return self._canonical

    def platforms_shown(self) -> list[str]:
        """The platforms the page shows as checked: those the checkboxes name,
        else those with a spend in the link (Meta unless its spend is 0)."""
        checked = checked_platforms(self._query)
        if checked is not None:
            return checked
        shown = []
        for platform in model.PLATFORMS:
            key = "spend" if platform == "meta" else f"{platform}_spend"
            raw = self.data.get(key)
            text = str(raw).strip() if isinstance(raw, str | int | float) else ""
            if text and text not in ("0", "0.0", "0,0") or (platform == "meta" and not text):
                shown.append(platform)
        return shown

    @property
    def model_keys(self) -> tuple[str, ...]:
        """The inputs of the version the data names (the current one when it names none)."""
        return model.VERSIONS[version_of(self.data)].keys

    @property
    def version(self) -> int:
        return self.cleaned_data["v"]
