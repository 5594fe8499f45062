"""The ROI model of adding Meta's Conversions API to a Pixel-only setup.

A pure module: numpy and the standard library, no Django. It implements
docs/model.md (versions 1 and 2), the contract for every number the site shows.

Two effects are kept apart on purpose. *Measurement recovery* makes Ads
Manager report purchases it missed; it creates no revenue and never enters
ROI. *Performance lift* lowers the true cost per purchase; only it earns
money, so only it feeds ROI, payback, NPV and the break-evens.

Inputs carry the units a marketer types (rates in percent); the model turns
them into fractions once, in ``_Params``. The core arithmetic is written so
that it works on plain floats (one exact calculation) and on numpy arrays
(10,000 uncertainty draws, or the sensitivity scenarios) alike.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

import numpy as np

CAUSES = ("consent", "att", "adblock", "itp", "connectivity")
SETUPS = ("backend", "relay")
MODES = ("more", "save")
# How the server events are sent: a display input that the form turns into
# `setup` and typical costs (calculator/integrations.py); the model ignores it.
INTEGRATIONS = ("shopify", "woocommerce", "gateway", "sgtm_self", "sgtm_hosted", "custom")
CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF", "SEK", "NOK", "DKK", "PLN", "JPY")

DRAWS = 10_000
PERCENTILES = (10, 50, 90)


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


def format_number(value: float | int) -> str:
    """Shortest exact text for a number: 20000.0 becomes '20000', 0.5 stays '0.5'."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


# The holdout planner's inputs change no figure of the model: a link names
# them only when they differ from their defaults, so older links keep their form.
QUIET_AT_DEFAULT = ("holdout_weeks", "holdout_share")


def keys_of(version: int | None = None) -> tuple[str, ...]:
    """The input keys a model version reads, in canonical order."""
    return VERSIONS[CURRENT_VERSION if version is None else version].keys


def canonical_pairs(inputs: Inputs, version: int | None = None) -> list[tuple[str, str]]:
    """The inputs as (key, text) pairs in a fixed order: the identity of a result.

    Only the keys ``version`` reads, and an empty optional input is left out,
    so a version 1 link keeps exactly the form it was made with.
    """
    pairs = []
    for name in keys_of(version):
        value = getattr(inputs, name)
        if value is None or (name in QUIET_AT_DEFAULT and value == getattr(DEFAULTS, name)):
            continue
        pairs.append((name, value if isinstance(value, str) else format_number(value)))
    return pairs


# --- the core: works on floats and on numpy arrays -------------------------


@dataclass(frozen=True)
class Recovery:
    """Share of each cause's lost purchases that CAPI brings back (0-1)."""

    consent: float
    att: float
    adblock: float
    itp: float
    connectivity: float


# The recovery rates by setup; both versions so far use this one table (a
# version may bring its own: ModelVersion.recovery).
RECOVERY = {
    "backend": Recovery(consent=0, att=0, adblock=0.90, itp=0.70, connectivity=0.95),
    "relay": Recovery(consent=0, att=0, adblock=0.50, itp=0.70, connectivity=0.50),
}


def _loss_shares(c: Any, a: Any, b: Any, st: Any, e: Any) -> tuple[list[Any], Any]:
    """Share of true purchases lost to each cause, applied one after another.

    Returns the five shares in CAUSES order and what is left: the share the
    Pixel sees (f0). The causes overlap, so each acts only on what the causes
    before it left.
    """
    left: Any = 1.0
    shares = []
    for rate in (c, a, b, st, e):
        shares.append(left * rate)
        left = left * (1 - rate)
    return shares, left


def _true_purchases(reported: Any, seen: Any, match_before: Any) -> Any:
    """N = R0 / (f0 * q0): the purchases Meta's ads really drive each month."""
    return reported / (seen * match_before)


def _reported_after(
    n: Any, seen: Any, shares: list[Any], recovery: list[Any], match_after: Any
) -> Any:
    """R1 = (N*f0 + sum of L_k*r_k) * q1."""
    back = sum(share * rate for share, rate in zip(shares, recovery, strict=True))
    return n * (seen + back) * match_after


def _monthly_benefit(
    n: Any, spend: float, aov: float, margin: float, gain: Any, mode: str
) -> tuple[Any, Any]:
    """Steady-month (incremental purchases, profit) of the performance lift."""
    if mode == "save":
        return n * 0.0, spend * gain + n * 0.0
    incremental = n * gain / (1 - gain)
    return incremental, incremental * aov * margin


def ramp_weights(ramp: int, months: int) -> list[float]:
    """Weight of month j = min(1, j / (ramp + 1)): ramp=1 gives 0.5, 1, 1, ..."""
    return [min(1.0, j / (ramp + 1)) for j in range(1, months + 1)]


# --- one exact calculation ------------------------------------------------


@dataclass(frozen=True)
class Results:
    """Every figure of docs/model.md for one set of inputs; ratios are fractions."""

    true_conversions: float
    pixel_observed: float
    losses: dict[str, float]
    reported_before: float
    reported_after: float
    recovered: float
    recovered_share: float
    discrepancy_before: float
    discrepancy_after: float
    reported_cpa_before: float
    reported_cpa_after: float
    reported_roas_before: float
    reported_roas_after: float
    true_cpa_before: float
    true_cpa_after: float
    incremental_conversions: float
    monthly_benefit: float
    net_monthly: float
    cash_flows: list[float]
    cumulative: list[float]
    total_benefit: float
    total_cost: float
    net: float
    roi: float | None
    payback_month: int | None
    npv: float
    breakeven_cpa_gain: float | None
    breakeven_spend: float | None


@dataclass(frozen=True)
class _Params:
    """The inputs as the formulas use them: rates as fractions."""

    spend: float
    reported: float
    aov: float
    margin: float
    rates: tuple[float, float, float, float, float]  # c, a, b, s*t, e
    safari: float
    itp: float
    match_before: float
    match_after: float
    recovery: tuple[float, ...]
    acr: float | None
    gain: float
    mode: str
    ramp: int
    setup_cost: float
    monthly_cost: float
    months: int
    discount: float

    @classmethod
    def of(cls, inputs: Inputs, recovery: Mapping[str, Recovery]) -> _Params:
        pct = 0.01
        s, t = inputs.safari * pct, inputs.itp * pct
        table = recovery[inputs.setup]
        return cls(
            spend=float(inputs.spend),
            reported=float(inputs.conversions),
            aov=float(inputs.aov),
            margin=inputs.margin * pct,
            rates=(
                inputs.consent * pct,
                inputs.att * pct,
                inputs.adblock * pct,
                s * t,
                inputs.connectivity * pct,
            ),
            safari=s,
            itp=t,
            match_before=inputs.match_before * pct,
            match_after=inputs.match_after * pct,
            recovery=tuple(getattr(table, cause) for cause in CAUSES),
            acr=None if inputs.acr is None else inputs.acr * pct,
            gain=0.0 if inputs.cpa_gain is None else inputs.cpa_gain * pct,
            mode=inputs.mode,
            ramp=int(inputs.ramp),
            setup_cost=float(inputs.setup_cost),
            monthly_cost=float(inputs.monthly_cost),
            months=int(inputs.months),
            discount=inputs.discount * pct,
        )


def _payback_month(cumulative: list[float]) -> int | None:
    """First month j >= 1 whose cumulative cash flow is >= 0."""
    for month, total in enumerate(cumulative):
        if month >= 1 and total >= 0:
            return month
    return None


def _npv(flows: list[float], annual_rate: float) -> float:
    monthly = (1 + annual_rate) ** (1 / 12) - 1
    return math.fsum(flow / (1 + monthly) ** j for j, flow in enumerate(flows))


def _breakeven_gain(p: _Params, n: float, weight_sum: float, total_cost: float) -> float | None:
    if p.mode == "save":
        needed = total_cost / (p.spend * weight_sum)
        return None if needed >= 1 else needed
    per_unit = n * p.aov * p.margin * weight_sum
    if per_unit == 0:
        return None
    g = total_cost / per_unit
    # per_unit so near 0 (margin=1e-313) that g overflows: as with 0, no gain pays.
    if not math.isfinite(g):
        return None
    return g / (1 + g)


@dataclass(frozen=True)
class _Measurement:
    """What the Pixel and CAPI report, for one set of inputs."""

    shares: list[float]  # the share of true purchases lost to each cause
    seen: float  # f0
    n: float  # true Meta-driven purchases a month
    after: float  # R1


def _measure(p: _Params) -> _Measurement:
    shares, seen = _loss_shares(*p.rates)
    n = _true_purchases(p.reported, seen, p.match_before)
    if p.acr is None:
        after = _reported_after(n, seen, shares, list(p.recovery), p.match_after)
    else:
        after = p.reported * (1 + p.acr)
    return _Measurement(shares, seen, n, after)


def _figures(p: _Params, m: _Measurement, gain: float) -> dict[str, Any]:
    """Every version 1 figure, with the lift ``gain`` (a fraction)."""
    n, after = m.n, m.after
    recovered = after - p.reported
    incremental, benefit = _monthly_benefit(n, p.spend, p.aov, p.margin, gain, p.mode)
    weights = ramp_weights(p.ramp, p.months)
    weight_sum = math.fsum(weights)
    flows = [-p.setup_cost] + [benefit * w - p.monthly_cost for w in weights]
    cumulative = np.cumsum(flows).tolist()
    total_benefit = benefit * weight_sum
    total_cost = p.setup_cost + p.monthly_cost * p.months
    net = total_benefit - total_cost
    return {
        "true_conversions": n,
        "pixel_observed": n * m.seen,
        "losses": {cause: n * share for cause, share in zip(CAUSES, m.shares, strict=True)},
        "reported_before": p.reported,
        "reported_after": after,
        "recovered": recovered,
        "recovered_share": recovered / p.reported,
        "discrepancy_before": 1 - p.reported / n,
        "discrepancy_after": 1 - after / n,
        "reported_cpa_before": p.spend / p.reported,
        "reported_cpa_after": p.spend / after,
        "reported_roas_before": p.reported * p.aov / p.spend,
        "reported_roas_after": after * p.aov / p.spend,
        "true_cpa_before": p.spend / n,
        "true_cpa_after": p.spend / n * (1 - gain),
        "incremental_conversions": incremental,
        "monthly_benefit": benefit,
        "net_monthly": benefit - p.monthly_cost,
        "cash_flows": flows,
        "cumulative": cumulative,
        "total_benefit": total_benefit,
        "total_cost": total_cost,
        "net": net,
        "roi": None if total_cost == 0 else net / total_cost,
        "payback_month": _payback_month(cumulative),
        "npv": _npv(flows, p.discount),
        "breakeven_cpa_gain": _breakeven_gain(p, n, weight_sum, total_cost),
        "breakeven_spend": None if total_benefit == 0 else total_cost * p.spend / total_benefit,
    }


def compute_v1(inputs: Inputs, recovery: Mapping[str, Recovery] = RECOVERY) -> Results:
    """docs/model.md version 1 for one set of inputs.

    >>> round(compute_v1(DEFAULTS_V1).true_conversions, 2)
    584.49
    """
    p = _Params.of(inputs, recovery)
    return Results(**_figures(p, _measure(p), p.gain))


# --- version 2: the lift follows the signal --------------------------------

LIFT_CAP = 0.25  # about twice the 13% Meta reports for advertisers who chose CAPI
META_AVERAGE_LIFT = 0.13
DRAWN_LIFT = Limit(-0.5, 0.5)  # a drawn lift, as a fraction; below 0 a broken setup
SEES_TOO_LITTLE = 0.2


@dataclass(frozen=True)
class ResultsV2(Results):
    """Version 1's figures and where the lift comes from, with warnings."""

    signal_gain: float
    estimated_cpa_gain: float
    cpa_gain: float
    cpa_gain_source: str  # "signal" or "entered"
    share_of_orders: float | None
    warnings: list[str]


def estimated_lift(slope: Any, signal_gain: Any) -> Any:
    """p-hat = min(0.25, k * G): the fall in true CPA that the extra signal buys."""
    return np.minimum(LIFT_CAP, slope * signal_gain)


def true_purchases(inputs: Inputs) -> float:
    """N, the purchases Meta's ads truly drive a month: R0 / (f0 * q0)."""
    p = _Params.of(inputs, RECOVERY)
    _shares, seen = _loss_shares(*p.rates)
    return _true_purchases(p.reported, seen, p.match_before)


def warnings_for(reported: float, n: float, gain: float) -> list[str]:
    """The codes of what makes a result doubtful; the page words them."""
    codes = []
    if reported / n < SEES_TOO_LITTLE:
        codes.append("pixel_sees_under_a_fifth")
    if gain > META_AVERAGE_LIFT:
        codes.append("lift_above_meta_average")
    return codes


def compute_v2(inputs: Inputs, recovery: Mapping[str, Recovery] = RECOVERY) -> ResultsV2:
    """docs/model.md version 2: the lift is estimated from the signal gain unless entered.

    >>> round(compute_v2(DEFAULTS).estimated_cpa_gain, 5)
    0.04893
    """
    p = _Params.of(inputs, recovery)
    m = _measure(p)
    signal = m.after / p.reported - 1
    estimated = float(estimated_lift(inputs.lift_slope / 100, signal))
    entered = inputs.cpa_gain is not None
    gain = p.gain if entered else estimated
    return ResultsV2(
        **_figures(p, m, gain),
        signal_gain=signal,
        estimated_cpa_gain=estimated,
        cpa_gain=gain,
        cpa_gain_source="entered" if entered else "signal",
        share_of_orders=None if inputs.orders is None else m.n / inputs.orders,
        warnings=warnings_for(p.reported, m.n, gain),
    )


# --- uncertainty and sensitivity -------------------------------------------


@dataclass(frozen=True)
class Spread:
    """How an uncertain input varies: a triangular range around the user's value."""

    label: str
    low: Callable[[float, Inputs], float]
    high: Callable[[float, Inputs], float]
    limit: Limit


def _scaled(factor: float) -> Callable[[float, Inputs], float]:
    return lambda value, _inputs: value * factor


# docs/model.md's table of uncertain inputs, in the visitor's units.
SPREADS: dict[str, Spread] = {
    "adblock": Spread("Ad blockers", _scaled(0.5), _scaled(1.5), LIMITS["adblock"]),
    "itp": Spread("Safari ITP cookie expiry", _scaled(0.5), _scaled(1.5), LIMITS["itp"]),
    "connectivity": Spread("Connectivity loss", _scaled(0.5), _scaled(1.5), LIMITS["connectivity"]),
    "att": Spread("iOS ATT opt-outs", _scaled(0.5), _scaled(1.5), LIMITS["att"]),
    "safari": Spread("Safari share", _scaled(0.7), _scaled(1.3), LIMITS["safari"]),
    "consent": Spread("Consent refusals", _scaled(0.7), _scaled(1.3), LIMITS["consent"]),
    "recovery": Spread("CAPI recovery rates", _scaled(0.8), _scaled(1.2), Limit(0, 1)),
    "match_after": Spread(
        "Match rate with CAPI",
        lambda value, inputs: max(inputs.match_before, value - 8),
        lambda value, _inputs: value + 4,
        Limit(1, 100),
    ),
    "cpa_gain": Spread("True CPA improvement", lambda _v, _i: 0.0, _scaled(2), LIMITS["cpa_gain"]),
}


# Each cause of lost purchases in a marketer's words: the product's one name
# for it, on the form, in the charts, on the method page and in the API.
CAUSE_NAMES = {
    "consent": "Consent refusals",
    "att": "iOS ATT opt-outs",
    "adblock": "Ad blockers",
    "itp": "Safari cookie expiry",
    "connectivity": "Connectivity loss",
}
# Version 2 ranks the lift by where it comes from, and names every bar in a
# marketer's words. (Version 1's names, in SPREADS, stay as its answers gave them.)
LABELS_V2 = {
    **CAUSE_NAMES,
    "safari": "Safari share",
    "recovery": "What CAPI recovers",
    "match_after": "Match rate with CAPI",
    "lift_slope": "Lift per extra signal",
    "cpa_gain": "Your CPA improvement",
}
SENSITIVITY_V2 = (*(name for name in SPREADS if name != "cpa_gain"), "lift_slope", "cpa_gain")
LIFT_LOW, LIFT_HIGH = -0.25, 2.0  # the lift's range, as multiples of its central value
RATE_NAMES = ("consent", "att", "adblock", "safari", "itp", "connectivity")


# Inputs that leave the seed of the draws alone: display, a check, a test plan.
NOT_DRAWN = ("currency", "orders", "integration", *QUIET_AT_DEFAULT)


def _clip(value: Any, limit: Limit) -> Any:
    return np.clip(value, limit.low, limit.high)


def seed_for(inputs: Inputs, version: int) -> int:
    """A seed from the canonical inputs, so a link always shows the same range.

    The currency is display only and the store's orders only a check, so
    neither changes the draws: entering orders leaves the range as it was.
    """
    pairs = canonical_pairs(inputs, version)
    text = "&".join(f"{k}={v}" for k, v in pairs if k not in NOT_DRAWN)
    digest = hashlib.sha256(f"v{version}|{text}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _triangular(u: Any, low: float, mode: float, high: float) -> Any:
    """Triangular draws from uniforms ``u`` by the inverse CDF; a zero-width range
    gives the mode. numpy's own triangular refuses low == high, which a 0% input
    produces."""
    width = high - low
    if width <= 0:
        return np.full(u.shape, float(mode))
    split = (mode - low) / width
    rising = low + np.sqrt(u * width * (mode - low))
    falling = high - np.sqrt((1 - u) * width * (high - mode))
    return np.where(u < split, rising, falling)


@dataclass(frozen=True)
class Scenarios:
    """Many variants of the same inputs, one array entry each, in fractions.

    ``slope`` is set when the lift follows the signal (version 2, estimated):
    each scenario's lift is then min(0.25, slope * G) of its own signal gain G.
    """

    rates: dict[str, Any]  # consent, att, adblock, safari, itp, connectivity
    recovery: list[Any]
    match_after: Any
    gain: Any
    slope: Any = None


def _scenario_outcomes(
    inputs: Inputs, sc: Scenarios, recovery: Mapping[str, Recovery]
) -> dict[str, Any]:
    """recovered, lift, monthly benefit, net and ROI for every scenario at once."""
    p = _Params.of(inputs, recovery)
    r = sc.rates
    shares, seen = _loss_shares(
        r["consent"], r["att"], r["adblock"], r["safari"] * r["itp"], r["connectivity"]
    )
    n = _true_purchases(p.reported, seen, p.match_before)
    if p.acr is None:
        recovered = _reported_after(n, seen, shares, sc.recovery, sc.match_after) - p.reported
    else:
        recovered = n * 0.0 + p.reported * p.acr
    gain = sc.gain
    if sc.slope is not None:
        gain = _clip(estimated_lift(sc.slope, recovered / p.reported), DRAWN_LIFT)
    _incremental, benefit = _monthly_benefit(n, p.spend, p.aov, p.margin, gain, p.mode)
    total_cost = p.setup_cost + p.monthly_cost * p.months
    net = benefit * math.fsum(ramp_weights(p.ramp, p.months)) - total_cost
    roi = None if total_cost == 0 else net / total_cost
    return {
        "recovered": recovered,
        "cpa_gain": gain,
        "monthly_benefit": benefit,
        "net": net,
        "roi": roi,
    }


def _spread_range(name: str, value: float, inputs: Inputs) -> tuple[float, float]:
    """The low and high end of an uncertain input, within its allowed range."""
    spread = SPREADS[name]
    low = float(_clip(spread.low(value, inputs), spread.limit))
    high = float(_clip(spread.high(value, inputs), spread.limit))
    return low, high


# --- the range: triangular draws -------------------------------------------


@dataclass(frozen=True)
class Band:
    p10: float | None
    p50: float | None
    p90: float | None


@dataclass(frozen=True)
class Uncertainty:
    draws: int
    recovered: Band
    monthly_benefit: Band
    net: Band
    roi: Band
    probability_positive: float


@dataclass(frozen=True)
class UncertaintyV2(Uncertainty):
    cpa_gain: Band  # the lift used, as a fraction


BANDS_V1 = ("recovered", "monthly_benefit", "net", "roi")
BANDS_V2 = (*BANDS_V1, "cpa_gain")


def _band(values: Any) -> Band:
    """P10/P50/P90 of one outcome's draws: numpy's default (linear) percentiles,
    the interpolation every recorded answer was computed with."""
    return Band(*(float(v) for v in np.percentile(values, PERCENTILES)))


def _bands(outcomes: dict[str, Any], names: tuple[str, ...]) -> dict[str, Band]:
    """The band of each named outcome; an outcome that is not defined (ROI
    without costs) has an empty band."""
    empty = Band(None, None, None)
    return {name: empty if outcomes[name] is None else _band(outcomes[name]) for name in names}


NO_LIMIT = Limit(-math.inf, math.inf)


@dataclass(frozen=True)
class _Row:
    """One drawn input: its triangle, the range its draws are clipped to, and
    the divisor that turns it into a fraction (100 for a percentage)."""

    low: float
    mode: float
    high: float
    limit: Limit
    per: float = 100


def _measurement_rows(inputs: Inputs, recovery: Mapping[str, Recovery]) -> list[_Row]:
    """The drawn loss rates, recovery rates and CAPI match rate, in the order
    of their rows of uniforms."""
    rows = []
    for name in RATE_NAMES:
        value = getattr(inputs, name)
        rows.append(_Row(*_triangle(name, value, inputs), SPREADS[name].limit))
    table = recovery[inputs.setup]
    for cause in CAUSES:
        rate = getattr(table, cause)
        rows.append(_Row(*_triangle("recovery", rate, inputs), Limit(0, 1), per=1))
    match = Limit(inputs.match_before, 100)
    rows.append(_Row(*_triangle("match_after", inputs.match_after, inputs), match))
    return rows


def _triangle(name: str, value: float, inputs: Inputs) -> tuple[float, float, float]:
    low, high = _spread_range(name, value, inputs)
    return low, value, high


def _lift_row_v1(inputs: Inputs) -> _Row:
    """Version 1 draws the entered CPA improvement, in percent."""
    return _Row(*_triangle("cpa_gain", inputs.cpa_gain, inputs), LIMITS["cpa_gain"])


def _lift_row_v2(inputs: Inputs) -> _Row:
    """Version 2 draws the lift's slope when it is estimated (each draw's lift
    then follows its signal gain), else the entered lift, as fractions."""
    if inputs.cpa_gain is None:
        k = inputs.lift_slope / 100
        return _Row(LIFT_LOW * k, k, LIFT_HIGH * k, NO_LIMIT, per=1)
    p = inputs.cpa_gain / 100
    return _Row(LIFT_LOW * p, p, LIFT_HIGH * p, DRAWN_LIFT, per=1)


def _draw(u: Any, rows: list[_Row]) -> list[Any]:
    """Each row's triangular draws from its own row of uniforms ``u``, clipped
    to the row's range and turned into fractions."""
    return [
        _clip(_triangular(u[k], row.low, row.mode, row.high), row.limit) / row.per
        for k, row in enumerate(rows)
    ]


def _drawn_outcomes(
    inputs: Inputs,
    seed: int,
    recovery: Mapping[str, Recovery],
    draws: int,
    lift: _Row,
    follows_signal: bool,
) -> dict[str, Any]:
    """The outcomes of ``draws`` scenarios: the measurement inputs and the
    ``lift`` row drawn from one seeded block of uniforms, a row per input.

    With ``follows_signal`` the lift row is the slope, and each draw's lift
    follows its own signal gain.
    """
    rows = [*_measurement_rows(inputs, recovery), lift]
    u = np.random.default_rng(seed).random((len(rows), draws))
    drawn = _draw(u, rows)
    first = len(RATE_NAMES)
    rates = dict(zip(RATE_NAMES, drawn[:first], strict=True))
    recovery_rates = drawn[first : first + len(CAUSES)]
    match_after = drawn[-2]
    if follows_signal:
        sc = Scenarios(rates, recovery_rates, match_after, gain=None, slope=drawn[-1])
    else:
        sc = Scenarios(rates, recovery_rates, match_after, gain=drawn[-1])
    return _scenario_outcomes(inputs, sc, recovery)


def _share_paying(net: Any) -> float:
    """The share of the draws whose net is positive."""
    return float(np.mean(net > 0))


def uncertainty_v1(
    inputs: Inputs,
    version: int = 1,
    recovery: Mapping[str, Recovery] = RECOVERY,
    draws: int = DRAWS,
) -> Uncertainty:
    """P10/P50/P90 over ``draws`` triangular scenarios, seeded from the inputs."""
    seed = seed_for(inputs, version)
    out = _drawn_outcomes(inputs, seed, recovery, draws, _lift_row_v1(inputs), False)
    return Uncertainty(
        draws=draws, **_bands(out, BANDS_V1), probability_positive=_share_paying(out["net"])
    )


def uncertainty_v2(
    inputs: Inputs,
    version: int = 2,
    recovery: Mapping[str, Recovery] = RECOVERY,
    draws: int = DRAWS,
) -> UncertaintyV2:
    """Version 2's range: as version 1's, but the lift follows each draw's signal
    gain (or is drawn around the entered figure), and can be negative."""
    seed = seed_for(inputs, version)
    estimated = inputs.cpa_gain is None
    out = _drawn_outcomes(inputs, seed, recovery, draws, _lift_row_v2(inputs), estimated)
    return UncertaintyV2(
        draws=draws, **_bands(out, BANDS_V2), probability_positive=_share_paying(out["net"])
    )


# --- the tornado: one input at a time ---------------------------------------


@dataclass(frozen=True)
class Swing:
    """Net at the low and at the high end of one uncertain input."""

    input: str
    label: str
    low_value: float
    high_value: float
    net_low: float
    net_high: float
    swing: float


def _base_scenarios(inputs: Inputs, size: int, recovery: Mapping[str, Recovery]) -> Scenarios:
    """``size`` copies of the user's own values."""
    p = _Params.of(inputs, recovery)
    rates = {name: np.full(size, getattr(inputs, name) * 0.01) for name in RATE_NAMES}
    return Scenarios(
        rates=rates,
        recovery=[np.full(size, rate) for rate in p.recovery],
        match_after=np.full(size, p.match_after),
        gain=np.full(size, p.gain),
    )


def _set_ends(sc: Scenarios, name: str, k: int, inputs: Inputs) -> tuple[float, float]:
    """Put ``name`` at its low end in scenario 2k and its high end in 2k+1.

    Answers the two ends in the input's own unit (percent; multipliers for
    the recovery rates).
    """
    lo_i, hi_i = 2 * k, 2 * k + 1
    if name == "recovery":
        for j in range(len(CAUSES)):
            base = sc.recovery[j][lo_i]
            sc.recovery[j][lo_i] = min(1.0, base * 0.8)
            sc.recovery[j][hi_i] = min(1.0, base * 1.2)
        return 0.8, 1.2  # multipliers of every rate
    value = getattr(inputs, name)
    low, high = _spread_range(name, value, inputs)
    if name in sc.rates:
        sc.rates[name][lo_i], sc.rates[name][hi_i] = low / 100, high / 100
    elif name == "match_after":
        sc.match_after[lo_i], sc.match_after[hi_i] = low / 100, high / 100
    else:
        sc.gain[lo_i], sc.gain[hi_i] = low / 100, high / 100
    return low, high


def _swings(
    names: list[str], ends: dict[str, tuple[float, float]], net: Any, labels: Mapping[str, str]
) -> list[Swing]:
    """One bar per input, from the net of its two scenarios; largest swing first."""
    swings = [
        Swing(
            input=name,
            label=labels[name],
            low_value=ends[name][0],
            high_value=ends[name][1],
            net_low=float(net[2 * k]),
            net_high=float(net[2 * k + 1]),
            swing=abs(float(net[2 * k + 1]) - float(net[2 * k])),
        )
        for k, name in enumerate(names)
    ]
    return sorted(swings, key=lambda s: s.swing, reverse=True)


def sensitivity_v1(inputs: Inputs, recovery: Mapping[str, Recovery] = RECOVERY) -> list[Swing]:
    """Each uncertain input at its low and its high end, the rest at the user's value.

    Sorted by swing, largest first: the bars of a tornado chart. Recovery
    rates and the match rate only move measurement, so their swing is 0: an
    honest result, shown as such.
    """
    names = list(SPREADS)
    sc = _base_scenarios(inputs, 2 * len(names), recovery)
    ends = {name: _set_ends(sc, name, k, inputs) for k, name in enumerate(names)}
    net = _scenario_outcomes(inputs, sc, recovery)["net"]
    return _swings(names, ends, net, {name: SPREADS[name].label for name in names})


def sensitivity_v2(inputs: Inputs, recovery: Mapping[str, Recovery] = RECOVERY) -> list[Swing]:
    """Version 2's tornado: the lift is ranked by its own source (the slope when
    estimated, the entered figure otherwise), and because it follows the signal
    the loss rates, recovery rates and match rate move profit too."""
    estimated = inputs.cpa_gain is None
    lift = "lift_slope" if estimated else "cpa_gain"
    names = [name for name in SENSITIVITY_V2 if name in SPREADS and name != "cpa_gain"]
    names.append(lift)
    sc = _base_scenarios(inputs, 2 * len(names), recovery)
    ends = {name: _set_ends(sc, name, k, inputs) for k, name in enumerate(names[:-1])}
    last = 2 * (len(names) - 1)
    if estimated:
        k = inputs.lift_slope / 100
        slope = np.full(2 * len(names), k)
        slope[last], slope[last + 1] = LIFT_LOW * k, LIFT_HIGH * k
        sc = replace(sc, slope=slope)
        ends[lift] = (LIFT_LOW * inputs.lift_slope, LIFT_HIGH * inputs.lift_slope)
    else:
        p = inputs.cpa_gain / 100
        low, high = (float(_clip(f * p, DRAWN_LIFT)) for f in (LIFT_LOW, LIFT_HIGH))
        sc.gain[last], sc.gain[last + 1] = low, high
        ends[lift] = (low * 100, high * 100)
    net = _scenario_outcomes(inputs, sc, recovery)["net"]
    return _swings(names, ends, net, LABELS_V2)


# --- can a holdout test prove it? --------------------------------------------

Z_ALPHA = 1.959964  # two-sided test at 5%
Z_POWER = 0.841621  # 80% power
Z = Z_ALPHA + Z_POWER
WEEKS_A_MONTH = 52 / 12


@dataclass(frozen=True)
class Holdout:
    """What a test/control holdout of ``weeks`` weeks, ``share`` of purchases in
    control, could show at this store's volume. Planning only: it changes no
    figure of the model."""

    weeks: int
    share: float  # fraction in the control arm
    purchases_per_week: float  # n, true Meta-driven purchases a week
    mde_cpa_gain: float  # the smallest CPA fall the test detects
    weeks_for_expected: float | None  # weeks to detect the lift the figures assume
    weeks_for_breakeven: float | None  # weeks to detect the break-even CPA fall


def detectable_cpa_gain(per_week: float, weeks: float, share: float) -> float:
    """1 - exp(-z * SE), SE the standard error of the log ratio of two Poisson rates.

    A CPA fall of p raises purchases per unit of spend by 1/(1-p), so the test
    compares log rates; SE = sqrt(1/(n W h) + 1/(n W (1-h))).
    """
    se = math.sqrt(1 / (per_week * weeks * share) + 1 / (per_week * weeks * (1 - share)))
    return 1 - math.exp(-Z * se)


def weeks_for(gain: float | None, per_week: float, share: float) -> float | None:
    """Weeks a test needs to detect a CPA fall of ``gain``: z^2 (1/h + 1/(1-h)) / (n ln(1/(1-p))^2).

    None when there is nothing to detect (no fall, or none defined), or when
    the weeks exceed what a float holds.
    """
    if gain is None or gain <= 0 or gain >= 1:
        return None
    effect = math.log(1 / (1 - gain))
    weeks = Z**2 * (1 / share + 1 / (1 - share)) / (per_week * effect**2)
    return weeks if math.isfinite(weeks) else None


def holdout_plan(
    inputs: Inputs, true_purchases: float, gain: float, breakeven: float | None
) -> Holdout:
    """The holdout planner for one result: the test's reach, and the weeks needed."""
    per_week = true_purchases / WEEKS_A_MONTH
    share = inputs.holdout_share / 100
    return Holdout(
        weeks=int(inputs.holdout_weeks),
        share=share,
        purchases_per_week=per_week,
        mde_cpa_gain=detectable_cpa_gain(per_week, inputs.holdout_weeks, share),
        weeks_for_expected=weeks_for(gain, per_week, share),
        weeks_for_breakeven=weeks_for(breakeven, per_week, share),
    )


# --- versions ----------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    """One month of the cash flows, as a spreadsheet lists it; month 0 is the setup."""

    month: int
    lift_weight: float  # share of the full lift reached this month (the ramp)
    profit_gain: float
    setup_cost: float
    running_cost: float
    cash_flow: float
    cumulative: float
    discounted: float  # the cash flow's present value, at the NPV's rate


def schedule(inputs: Inputs, results: Results) -> list[Month]:
    """The cash flows month by month with the parts they are made of."""
    weights = [0.0, *ramp_weights(int(inputs.ramp), int(inputs.months))]
    monthly_rate = (1 + inputs.discount / 100) ** (1 / 12) - 1
    rows = []
    for j, (flow, total) in enumerate(zip(results.cash_flows, results.cumulative, strict=True)):
        rows.append(
            Month(
                month=j,
                lift_weight=weights[j],
                profit_gain=results.monthly_benefit * weights[j],
                setup_cost=float(inputs.setup_cost) if j == 0 else 0.0,
                running_cost=0.0 if j == 0 else float(inputs.monthly_cost),
                cash_flow=flow,
                cumulative=total,
                discounted=flow / (1 + monthly_rate) ** j,
            )
        )
    return rows


@dataclass(frozen=True)
class Report:
    """Everything one result shows: the JSON API's body, the page's figures.

    ``recovery`` (the chosen setup's recovery rate by cause) and ``months``
    (the cash flows month by month) are for display; the JSON body leaves
    them out.
    """

    model_version: int
    inputs: Inputs
    results: Results
    uncertainty: Uncertainty
    sensitivity: list[Swing]
    recovery: dict[str, float] = field(default_factory=dict)
    months: list[Month] = field(default_factory=list)

    @property
    def holdout(self) -> Holdout:
        """The holdout planner, on top of any version's results."""
        results = self.results
        return holdout_plan(
            self.inputs, results.true_conversions, self.cpa_gain, results.breakeven_cpa_gain
        )

    @property
    def cpa_gain(self) -> float:
        """The fall in true CPA the figures assume, as a fraction: entered or
        estimated in version 2, always entered in version 1."""
        used = getattr(self.results, "cpa_gain", None)
        return float(self.inputs.cpa_gain) / 100 if used is None else used

    @property
    def cpa_gain_source(self) -> str:
        """'signal' when the lift was estimated, 'entered' when the visitor gave it."""
        return getattr(self.results, "cpa_gain_source", "entered")


@dataclass(frozen=True)
class ModelVersion:
    """One frozen version of the model. A share link names its version, so a
    later version never changes what an older link shows.

    ``keys`` are the inputs the version reads (others are ignored, as unknown
    keys are), ``defaults`` what a missing key means.
    """

    number: int
    recovery: Mapping[str, Recovery] = field(default_factory=lambda: RECOVERY)
    keys: tuple[str, ...] = V1_KEYS
    defaults: Inputs = DEFAULTS_V1

    def problems(self, inputs: Inputs) -> dict[str, str]:
        found = inputs.problems()
        if inputs.cpa_gain is None:
            found["cpa_gain"] = "required"
        return found

    def compute(self, inputs: Inputs) -> Results:
        return compute_v1(inputs, self.recovery)

    def uncertainty(self, inputs: Inputs) -> Uncertainty:
        return uncertainty_v1(inputs, self.number, self.recovery)

    def sensitivity(self, inputs: Inputs) -> list[Swing]:
        return sensitivity_v1(inputs, self.recovery)

    def report(self, inputs: Inputs) -> Report:
        results = self.compute(inputs)
        table = self.recovery[inputs.setup]
        return Report(
            model_version=self.number,
            inputs=inputs,
            results=results,
            uncertainty=self.uncertainty(inputs),
            sensitivity=self.sensitivity(inputs),
            recovery={cause: getattr(table, cause) for cause in CAUSES},
            months=schedule(inputs, results),
        )


@dataclass(frozen=True)
class ModelVersion2(ModelVersion):
    """Version 2: the lift follows the signal CAPI adds; the store's orders bound N."""

    keys: tuple[str, ...] = INPUT_KEYS
    defaults: Inputs = DEFAULTS

    def problems(self, inputs: Inputs) -> dict[str, str]:
        found = inputs.problems()
        if not found and inputs.orders is not None and true_purchases(inputs) > inputs.orders:
            found["orders"] = "fewer than the implied Meta-driven purchases"
        return found

    def compute(self, inputs: Inputs) -> ResultsV2:
        return compute_v2(inputs, self.recovery)

    def uncertainty(self, inputs: Inputs) -> UncertaintyV2:
        return uncertainty_v2(inputs, self.number, self.recovery)

    def sensitivity(self, inputs: Inputs) -> list[Swing]:
        return sensitivity_v2(inputs, self.recovery)


VERSIONS: dict[int, ModelVersion] = {1: ModelVersion(1), 2: ModelVersion2(2)}
CURRENT_VERSION = 2
WARNINGS = ("pixel_sees_under_a_fifth", "lift_above_meta_average")


def recovery_rates(version: int = CURRENT_VERSION) -> Mapping[str, Recovery]:
    """What CAPI recovers of each cause, by setup, under model ``version``."""
    return VERSIONS[version].recovery


def register(model: ModelVersion) -> None:
    """Add a model version; an existing number is never replaced."""
    if model.number in VERSIONS:
        raise ValueError(f"model version {model.number} exists already")
    VERSIONS[model.number] = model


def report(inputs: Inputs, version: int = CURRENT_VERSION) -> Report:
    """The full report of ``inputs`` under model ``version``."""
    model = VERSIONS[version]
    problems = model.problems(inputs)
    if problems:
        raise ValueError(f"invalid inputs: {problems}")
    return model.report(inputs)


def _plain(value: Any) -> Any:
    """JSON-safe: non-finite floats (which valid inputs never produce) become null."""
    if isinstance(value, float | np.floating):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def report_to_dict(rep: Report) -> dict[str, Any]:
    """docs/model.md's JSON shape: model_version, inputs, results, uncertainty, sensitivity."""
    return {
        "model_version": rep.model_version,
        "inputs": _plain(dict(canonical_typed(rep.inputs, rep.model_version))),
        "results": _plain({**asdict(rep.results), "holdout": asdict(rep.holdout)}),
        "uncertainty": _plain(asdict(rep.uncertainty)),
        "sensitivity": _plain([asdict(s) for s in rep.sensitivity]),
    }


def canonical_typed(inputs: Inputs, version: int | None = None) -> list[tuple[str, Any]]:
    """The inputs ``version`` reads, in key order, types kept (None when empty)."""
    return [(name, getattr(inputs, name)) for name in keys_of(version)]
