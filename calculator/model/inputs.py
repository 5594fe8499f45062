"""The inputs: what a visitor enters, the allowed ranges, and the canonical link.

Inputs carry the units a marketer types (rates in percent); the formulas turn
them into fractions where they read them. docs/model.md's "Inputs" tables are
``LIMITS`` and the defaults of ``Inputs`` below.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF", "SEK", "NOK", "DKK", "PLN", "JPY")
SETUPS = ("backend", "relay")
MODES = ("more", "save")
# How the server events are sent: a display input that the form turns into
# `setup` and typical costs (calculator/integrations.py); the model ignores it.
INTEGRATIONS = ("shopify", "woocommerce", "gateway", "sgtm_self", "sgtm_hosted", "custom")


@dataclass(frozen=True)
class Limit:
    """The allowed range of a numeric input, both ends included."""

    low: float
    high: float
    integer: bool = False
    cents: bool = False  # money: a whole number of cents

    def in_range(self, value: float) -> bool:
        if not math.isfinite(value) or value > self.high:
            return False
        if self.integer and value != int(value):
            return False
        return value >= self.low

    def admits(self, value: float) -> bool:
        return self.in_range(value) and not (self.cents and value != round(value, 2))


# docs/model.md's "allowed" column. `match_after` is also held to >= match_before.
LIMITS: dict[str, Limit] = {
    # Money counts in cents: a sub-cent spend or cost would only divide figures
    # into overflow (ROAS over a spend of 1e-300, ROI over a cost of 1e-308).
    "spend": Limit(0.01, 1e9, cents=True),
    "conversions": Limit(1, 1e8),
    "orders": Limit(1, 1e8),
    "aov": Limit(0.01, 1e6, cents=True),
    "margin": Limit(0, 100),
    "consent": Limit(0, 95),
    "att": Limit(0, 50),
    "adblock": Limit(0, 90),
    "safari": Limit(0, 100),
    "itp": Limit(0, 95),
    "connectivity": Limit(0, 50),
    "match_before": Limit(1, 100),
    "match_after": Limit(1, 100),
    "acr": Limit(0, 500),
    "lift_slope": Limit(0, 100),
    "cpa_gain": Limit(0, 50),
    "ramp": Limit(0, 12, integer=True),
    "setup_cost": Limit(0, 1e7, cents=True),
    "monthly_cost": Limit(0, 1e6, cents=True),
    "months": Limit(1, 60, integer=True),
    "discount": Limit(0, 100),
    "holdout_weeks": Limit(1, 104, integer=True),
    "holdout_share": Limit(10, 90),
}


@dataclass(frozen=True)
class Inputs:
    """What the visitor enters, in the visitor's units (rates in percent).

    The field names are the query-string keys of share URLs and of the API;
    the defaults are docs/model.md's.
    """

    spend: float = 20000
    conversions: float = 400
    orders: float | None = None
    aov: float = 80
    margin: float = 40
    currency: str = "USD"
    consent: float = 0
    att: float = 5
    adblock: float = 8
    safari: float = 30
    itp: float = 20
    connectivity: float = 2
    match_before: float = 85
    match_after: float = 92
    integration: str | None = None
    setup: str = "backend"
    acr: float | None = None
    lift_slope: float = 20
    cpa_gain: float | None = None
    mode: str = "more"
    ramp: int = 1
    setup_cost: float = 1500
    monthly_cost: float = 100
    months: int = 12
    discount: float = 10
    holdout_weeks: int = 8  # the holdout planner's test: length, and share in control
    holdout_share: float = 50
    # Version 3: the relay's address, the share of the anchor Meta's lift
    # earns, and the other platforms a server container feeds.
    server_ip: str = "third"
    lift_share: float = 50
    google_spend: float | None = None
    google_conversions: float | None = None
    google_match_before: float = 85
    google_match_after: float = 90
    google_modelled: float = 0
    google_route: str | None = None  # None: follows `setup`
    google_lift_share: float = 0
    google_cpa_gain: float | None = None
    tiktok_spend: float | None = None
    tiktok_conversions: float | None = None
    tiktok_match_before: float = 85
    tiktok_match_after: float = 90
    tiktok_route: str | None = None
    tiktok_lift_share: float = 0
    tiktok_cpa_gain: float | None = None

    def problems(self) -> dict[str, str]:
        """Field name -> what is wrong; empty when the inputs are valid.

        The web form is the boundary that visitors meet; this check keeps the
        model honest when it is called directly.
        """
        found = {}
        for name, limit in LIMITS.items():
            value = getattr(self, name)
            if value is not None and not limit.admits(float(value)):
                found[name] = "out of range"
        if self.match_after < self.match_before:
            found["match_after"] = "below match_before"
        for name, allowed in (("setup", SETUPS), ("mode", MODES), ("currency", CURRENCIES)):
            if getattr(self, name) not in allowed:
                found[name] = "unknown choice"
        if self.integration is not None and self.integration not in INTEGRATIONS:
            found["integration"] = "unknown choice"
        return found


DEFAULTS = Inputs()  # versions 2 and 3: the lift is estimated, not entered
DEFAULTS_V1 = Inputs(cpa_gain=5)  # version 1 has no estimate: its lift is a 5% guess
# Version 2's keys, in the order of its links.
V2_KEYS = (
    "spend",
    "conversions",
    "orders",
    "aov",
    "margin",
    "currency",
    "consent",
    "att",
    "adblock",
    "safari",
    "itp",
    "connectivity",
    "match_before",
    "match_after",
    "integration",
    "setup",
    "acr",
    "lift_slope",
    "cpa_gain",
    "mode",
    "ramp",
    "setup_cost",
    "monthly_cost",
    "months",
    "discount",
    "holdout_weeks",
    "holdout_share",
)
# The keys the form knows today (version 2's); version 3's join them when the
# form asks for them.
INPUT_KEYS = V2_KEYS
# Version 1 reads neither the store's orders, the lift slope nor the integration
# (asked later): its links keep exactly the form they were made with.
V1_KEYS = tuple(name for name in V2_KEYS if name not in ("orders", "lift_slope", "integration"))


def format_number(value: float | int) -> str:
    """Shortest exact text for a number: 20000.0 becomes '20000', 0.5 stays '0.5'."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


# The holdout planner's inputs change no figure of the model: a link names
# them only when they differ from their defaults, so older links keep their form.
QUIET_AT_DEFAULT = ("holdout_weeks", "holdout_share")


def pairs_of(
    inputs: Inputs, keys: tuple[str, ...], quiet: tuple[str, ...] = QUIET_AT_DEFAULT
) -> list[tuple[str, str]]:
    """The inputs as (key, text) pairs in the order of ``keys``: the identity
    of a result. An empty optional input is left out, and so is a ``quiet``
    key at its default."""
    pairs = []
    for name in keys:
        value = getattr(inputs, name)
        if value is None or (name in quiet and value == getattr(DEFAULTS, name)):
            continue
        pairs.append((name, value if isinstance(value, str) else format_number(value)))
    return pairs


# --- version 3: every platform a server container feeds ----------------------

PLATFORMS = ("meta", "google", "tiktok")
# Each platform as its owner names it: the same in every language.
PLATFORM_NAMES = {"meta": "Meta", "google": "Google Ads", "tiktok": "TikTok"}
SETUPS_V3 = ("backend", "relay", "gateway")  # Meta's route
ROUTES = ("backend", "relay", "none")  # Google's and TikTok's
SERVER_IPS = ("same", "third")
INTEGRATIONS_V3 = (*INTEGRATIONS, "managed")


def prefixed(platform: str, name: str) -> str:
    """A platform's own input key: Meta keeps version 2's (`match_after`), the
    others are prefixed (`google_match_after`)."""
    return name if platform == "meta" else f"{platform}_{name}"


# Version 3's "allowed" column. A platform's spend may be 0 (no ads there);
# every field is checked against its range whatever the spend.
LIMITS_V3: dict[str, Limit] = {
    **{name: limit for name, limit in LIMITS.items() if name != "lift_slope"},
    "spend": Limit(0, 1e9, cents=True),
    "lift_share": Limit(0, 100),
    **{
        key: limit
        for platform in PLATFORMS[1:]
        for key, limit in (
            (f"{platform}_spend", Limit(0, 1e9, cents=True)),
            (f"{platform}_conversions", LIMITS["conversions"]),
            (f"{platform}_match_before", LIMITS["match_before"]),
            (f"{platform}_match_after", LIMITS["match_after"]),
            (f"{platform}_lift_share", Limit(0, 100)),
            (f"{platform}_cpa_gain", LIMITS["cpa_gain"]),
        )
    },
    "google_modelled": Limit(0, 90),
}
# The unit of each numeric input, as the form names them.
UNITS: dict[str, str] = {
    **dict.fromkeys(
        ("spend", "aov", "setup_cost", "monthly_cost", "google_spend", "tiktok_spend"), "money"
    ),
    **dict.fromkeys(("conversions", "orders", "google_conversions", "tiktok_conversions"), "count"),
    "ramp": "months",
    "months": "months",
    "holdout_weeks": "weeks",
}
UNITS.update({name: "%" for name in LIMITS_V3 if name not in UNITS})
# The inputs that take one of a list of words.
CHOICES_V3: dict[str, tuple[str, ...]] = {
    "currency": CURRENCIES,
    "integration": INTEGRATIONS_V3,
    "setup": SETUPS_V3,
    "server_ip": SERVER_IPS,
    "mode": MODES,
    "google_route": ROUTES,
    "tiktok_route": ROUTES,
}
PLATFORM_KEYS = tuple(
    prefixed(platform, name)
    for platform in PLATFORMS[1:]
    for name in (
        "spend",
        "conversions",
        "match_before",
        "match_after",
        "modelled",
        "route",
        "lift_share",
        "cpa_gain",
    )
    if (platform, name) != ("tiktok", "modelled")
)
# Version 3 reads version 2's keys less the slope, with the relay's address
# and Meta's share of the anchor, then Google's and TikTok's own.
V3_KEYS = (
    *(name for name in V2_KEYS[: V2_KEYS.index("acr")]),
    "server_ip",
    "acr",
    "lift_share",
    *(name for name in V2_KEYS[V2_KEYS.index("cpa_gain") :]),
    *PLATFORM_KEYS,
)
# A bare version 3 link stays short: the other platforms' keys, like the
# holdout's, are named only when they differ from their defaults.
QUIET_V3 = (*QUIET_AT_DEFAULT, *PLATFORM_KEYS)
