"""The ROI model of adding Meta's Conversions API to a Pixel-only setup.

A pure module: numpy and the standard library, no Django. It implements
MODEL.md version 1, the contract for every number the site shows.

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


# MODEL.md's "allowed" column. `match_after` is also held to >= match_before.
LIMITS: dict[str, Limit] = {
    # Money counts in cents: a sub-cent spend or cost would only divide figures
    # into overflow (ROAS over a spend of 1e-300, ROI over a cost of 1e-308).
    "spend": Limit(0.01, 1e9, cents=True),
    "conversions": Limit(1, 1e8),
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
    "cpa_gain": Limit(0, 50),
    "ramp": Limit(0, 12, integer=True),
    "setup_cost": Limit(0, 1e7, cents=True),
    "monthly_cost": Limit(0, 1e6, cents=True),
    "months": Limit(1, 60, integer=True),
    "discount": Limit(0, 100),
}


@dataclass(frozen=True)
class Inputs:
    """What the visitor enters, in the visitor's units (rates in percent).

    The field names are the query-string keys of share URLs and of the API;
    the defaults are MODEL.md's.
    """

    spend: float = 20000
    conversions: float = 400
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
    cpa_gain: float = 5
    mode: str = "more"
    ramp: int = 1
    setup_cost: float = 1500
    monthly_cost: float = 100
    months: int = 12
    discount: float = 10

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


DEFAULTS = Inputs()
INPUT_KEYS = tuple(f.name for f in fields(Inputs))


def format_number(value: float | int) -> str:
    """Shortest exact text for a number: 20000.0 becomes '20000', 0.5 stays '0.5'."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def canonical_pairs(inputs: Inputs) -> list[tuple[str, str]]:
    """The inputs as (key, text) pairs in a fixed order: the identity of a result."""
    pairs = []
    for name in INPUT_KEYS:
        value = getattr(inputs, name)
        if value is None:
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


RECOVERY_V1 = {
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
    """Every figure of MODEL.md for one set of inputs; ratios are fractions."""

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
    cpa_gain: float  # the fall in true CPA the lift figures use, as a fraction
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
            gain=inputs.cpa_gain * pct,
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


def compute_v1(inputs: Inputs, recovery: Mapping[str, Recovery] = RECOVERY_V1) -> Results:
    """MODEL.md version 1 for one set of inputs.

    >>> round(compute_v1(DEFAULTS).true_conversions, 2)
    584.49
    """
    p = _Params.of(inputs, recovery)
    shares, seen = _loss_shares(*p.rates)
    n = _true_purchases(p.reported, seen, p.match_before)
    if p.acr is None:
        after = _reported_after(n, seen, shares, list(p.recovery), p.match_after)
    else:
        after = p.reported * (1 + p.acr)
    recovered = after - p.reported

    incremental, benefit = _monthly_benefit(n, p.spend, p.aov, p.margin, p.gain, p.mode)
    weights = ramp_weights(p.ramp, p.months)
    weight_sum = math.fsum(weights)
    flows = [-p.setup_cost] + [benefit * w - p.monthly_cost for w in weights]
    cumulative = np.cumsum(flows).tolist()
    total_benefit = benefit * weight_sum
    total_cost = p.setup_cost + p.monthly_cost * p.months
    net = total_benefit - total_cost

    return Results(
        true_conversions=n,
        pixel_observed=n * seen,
        losses={cause: n * share for cause, share in zip(CAUSES, shares, strict=True)},
        reported_before=p.reported,
        reported_after=after,
        recovered=recovered,
        recovered_share=recovered / p.reported,
        discrepancy_before=1 - p.reported / n,
        discrepancy_after=1 - after / n,
        reported_cpa_before=p.spend / p.reported,
        reported_cpa_after=p.spend / after,
        reported_roas_before=p.reported * p.aov / p.spend,
        reported_roas_after=after * p.aov / p.spend,
        true_cpa_before=p.spend / n,
        true_cpa_after=p.spend / n * (1 - p.gain),
        cpa_gain=p.gain,
        incremental_conversions=incremental,
        monthly_benefit=benefit,
        net_monthly=benefit - p.monthly_cost,
        cash_flows=flows,
        cumulative=cumulative,
        total_benefit=total_benefit,
        total_cost=total_cost,
        net=net,
        roi=None if total_cost == 0 else net / total_cost,
        payback_month=_payback_month(cumulative),
        npv=_npv(flows, p.discount),
        breakeven_cpa_gain=_breakeven_gain(p, n, weight_sum, total_cost),
        breakeven_spend=None if total_benefit == 0 else total_cost * p.spend / total_benefit,
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


# MODEL.md's table of uncertain inputs, in the visitor's units.
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


def _clip(value: Any, limit: Limit) -> Any:
    return np.clip(value, limit.low, limit.high)


def seed_for(inputs: Inputs, version: int) -> int:
    """A seed from the canonical inputs, so a link always shows the same range.

    The currency and the integration's name are display only, so they do not
    change the draws.
    """
    shown_only = ("currency", "integration")
    text = "&".join(f"{k}={v}" for k, v in canonical_pairs(inputs) if k not in shown_only)
    digest = hashlib.sha256(f"v{version}|{text}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _triangular(rng: np.random.Generator, low: float, mode: float, high: float, size: int):
    """Triangular draws by the inverse CDF; a zero-width range gives the mode.

    numpy's own triangular refuses low == high, which a 0% input produces.
    """
    u = rng.random(size)
    width = high - low
    if width <= 0:
        return np.full(size, mode)
    split = (mode - low) / width
    rising = low + np.sqrt(u * width * (mode - low))
    falling = high - np.sqrt((1 - u) * width * (high - mode))
    return np.where(u < split, rising, falling)


@dataclass(frozen=True)
class Scenarios:
    """Many variants of the same inputs, one array entry each, in fractions."""

    rates: dict[str, Any]  # consent, att, adblock, safari, itp, connectivity
    recovery: list[Any]
    match_after: Any
    gain: Any


def _scenario_outcomes(
    inputs: Inputs, sc: Scenarios, recovery: Mapping[str, Recovery]
) -> dict[str, Any]:
    """recovered, monthly benefit, net and ROI for every scenario at once."""
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
    _incremental, benefit = _monthly_benefit(n, p.spend, p.aov, p.margin, sc.gain, p.mode)
    total_cost = p.setup_cost + p.monthly_cost * p.months
    net = benefit * math.fsum(ramp_weights(p.ramp, p.months)) - total_cost
    roi = None if total_cost == 0 else net / total_cost
    return {"recovered": recovered, "monthly_benefit": benefit, "net": net, "roi": roi}


def _base_scenarios(inputs: Inputs, size: int, recovery: Mapping[str, Recovery]) -> Scenarios:
    """``size`` copies of the user's own values."""
    p = _Params.of(inputs, recovery)
    ones = np.ones(size)
    rates = {
        name: ones * getattr(inputs, name) * 0.01
        for name in ("consent", "att", "adblock", "safari", "itp", "connectivity")
    }
    return Scenarios(
        rates=rates,
        recovery=[ones * rate for rate in p.recovery],
        match_after=ones * p.match_after,
        gain=ones * p.gain,
    )


def _spread_range(name: str, value: float, inputs: Inputs) -> tuple[float, float]:
    spread = SPREADS[name]
    low = float(_clip(spread.low(value, inputs), spread.limit))
    high = float(_clip(spread.high(value, inputs), spread.limit))
    return low, high


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


def _band(values: Any) -> Band:
    if values is None:
        return Band(None, None, None)
    p10, p50, p90 = np.percentile(values, PERCENTILES)
    return Band(float(p10), float(p50), float(p90))


def uncertainty_v1(
    inputs: Inputs,
    version: int = 1,
    recovery: Mapping[str, Recovery] = RECOVERY_V1,
    draws: int = DRAWS,
) -> Uncertainty:
    """P10/P50/P90 over ``draws`` triangular scenarios, seeded from the inputs."""
    rng = np.random.default_rng(seed_for(inputs, version))
    sc = _base_scenarios(inputs, draws, recovery)
    for name in ("consent", "att", "adblock", "safari", "itp", "connectivity"):
        value = getattr(inputs, name)
        low, high = _spread_range(name, value, inputs)
        sc.rates[name] = _clip(_triangular(rng, low, value, high, draws), SPREADS[name].limit) / 100
    table = recovery[inputs.setup]
    for k, cause in enumerate(CAUSES):
        rate = getattr(table, cause)
        low, high = _spread_range("recovery", rate, inputs)
        sc.recovery[k] = _clip(_triangular(rng, low, rate, high, draws), Limit(0, 1))
    low, high = _spread_range("match_after", inputs.match_after, inputs)
    match_after = _triangular(rng, low, inputs.match_after, high, draws)
    low, high = _spread_range("cpa_gain", inputs.cpa_gain, inputs)
    gain = _triangular(rng, low, inputs.cpa_gain, high, draws)
    sc = replace(
        sc,
        match_after=np.clip(match_after, inputs.match_before, 100) / 100,
        gain=_clip(gain, LIMITS["cpa_gain"]) / 100,
    )
    out = _scenario_outcomes(inputs, sc, recovery)
    return Uncertainty(
        draws=draws,
        recovered=_band(out["recovered"]),
        monthly_benefit=_band(out["monthly_benefit"]),
        net=_band(out["net"]),
        roi=_band(out["roi"]),
        probability_positive=float(np.mean(out["net"] > 0)),
    )


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


def sensitivity_v1(inputs: Inputs, recovery: Mapping[str, Recovery] = RECOVERY_V1) -> list[Swing]:
    """Each uncertain input at its low and its high end, the rest at the user's value.

    Sorted by swing, largest first: the bars of a tornado chart. Recovery
    rates and the match rate only move measurement, so their swing is 0: an
    honest result, shown as such.
    """
    names = list(SPREADS)
    sc = _base_scenarios(inputs, 2 * len(names), recovery)
    ends: dict[str, tuple[float, float]] = {}
    for k, name in enumerate(names):
        lo_i, hi_i = 2 * k, 2 * k + 1
        if name == "recovery":
            ends[name] = (0.8, 1.2)  # multipliers of every rate
            for j in range(len(CAUSES)):
                base = sc.recovery[j][lo_i]
                sc.recovery[j][lo_i] = min(1.0, base * 0.8)
                sc.recovery[j][hi_i] = min(1.0, base * 1.2)
            continue
        value = getattr(inputs, name)
        low, high = _spread_range(name, value, inputs)
        ends[name] = (low, high)
        if name in sc.rates:
            sc.rates[name][lo_i], sc.rates[name][hi_i] = low / 100, high / 100
        elif name == "match_after":
            sc.match_after[lo_i], sc.match_after[hi_i] = low / 100, high / 100
        else:
            sc.gain[lo_i], sc.gain[hi_i] = low / 100, high / 100
    net = _scenario_outcomes(inputs, sc, recovery)["net"]
    swings = [
        Swing(
            input=name,
            label=SPREADS[name].label,
            low_value=ends[name][0],
            high_value=ends[name][1],
            net_low=float(net[2 * k]),
            net_high=float(net[2 * k + 1]),
            swing=abs(float(net[2 * k + 1] - net[2 * k])),
        )
        for k, name in enumerate(names)
    ]
    return sorted(swings, key=lambda s: s.swing, reverse=True)


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


@dataclass(frozen=True)
class ModelVersion:
    """One frozen version of the model. A share link names its version, so a
    later version never changes what an older link shows."""

    number: int
    recovery: Mapping[str, Recovery] = field(default_factory=lambda: RECOVERY_V1)

    def compute(self, inputs: Inputs) -> Results:
        return compute_v1(inputs, self.recovery)

    def report(self, inputs: Inputs) -> Report:
        results = self.compute(inputs)
        table = self.recovery[inputs.setup]
        return Report(
            model_version=self.number,
            inputs=inputs,
            results=results,
            uncertainty=uncertainty_v1(inputs, self.number, self.recovery),
            sensitivity=sensitivity_v1(inputs, self.recovery),
            recovery={cause: getattr(table, cause) for cause in CAUSES},
            months=schedule(inputs, results),
        )


VERSIONS: dict[int, ModelVersion] = {1: ModelVersion(1)}
CURRENT_VERSION = 1


def register(model: ModelVersion) -> None:
    """Add a model version; an existing number is never replaced."""
    if model.number in VERSIONS:
        raise ValueError(f"model version {model.number} exists already")
    VERSIONS[model.number] = model


def report(inputs: Inputs, version: int = CURRENT_VERSION) -> Report:
    """The full report of ``inputs`` under model ``version``."""
    problems = inputs.problems()
    if problems:
        raise ValueError(f"invalid inputs: {problems}")
    return VERSIONS[version].report(inputs)


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
    """MODEL.md's JSON shape: model_version, inputs, results, uncertainty, sensitivity."""
    return {
        "model_version": rep.model_version,
        "inputs": _plain(dict(canonical_typed(rep.inputs))),
        "results": _plain(asdict(rep.results)),
        "uncertainty": _plain(asdict(rep.uncertainty)),
        "sensitivity": _plain([asdict(s) for s in rep.sensitivity]),
    }


def canonical_typed(inputs: Inputs) -> list[tuple[str, Any]]:
    """The inputs in key order with their types kept (None for an empty acr)."""
    return [(name, getattr(inputs, name)) for name in INPUT_KEYS]
