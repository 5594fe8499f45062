"""The inputs: what a visitor enters, the allowed ranges, and the canonical link.

Inputs carry the units a marketer types (rates in percent); the formulas turn
them into fractions where they read them. docs/model.md's "Inputs" tables are
``LIMITS`` and the defaults of ``Inputs`` below.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

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


DEFAULTS = Inputs()  # the current version's: the lift is estimated from the signal
DEFAULTS_V1 = Inputs(cpa_gain=5)  # version 1 has no estimate: its lift is a 5% guess
INPUT_KEYS = tuple(f.name for f in fields(Inputs))
# Version 1 reads neither the store's orders, the lift slope nor the integration
# (asked later): its links keep exactly the form they were made with.
V1_KEYS = tuple(name for name in INPUT_KEYS if name not in ("orders", "lift_slope", "integration"))
V2_KEYS = INPUT_KEYS


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
