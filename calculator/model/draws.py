"""The range: 10,000 seeded triangular draws of the uncertain inputs.

docs/model.md, "Uncertainty". Each uncertain input is drawn from a triangle
whose mode is the visitor's value; every draw recomputes the measurement,
the lift and the money at once, as numpy arrays (no loop over draws). The
generator is seeded from the canonical inputs, so a link always shows the
same range.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .inputs import (
    LIMITS,
    QUIET_AT_DEFAULT,
    QUIET_V3,
    V1_KEYS,
    V2_KEYS,
    V3_KEYS,
    Inputs,
    Limit,
    pairs_of,
    prefixed,
)
from .lift import DRAWN_LIFT, LIFT_HIGH, LIFT_LOW, anchor, estimated_lift, lift_used
from .measurement import (
    CAUSES,
    RECOVERABLE,
    RECOVERY,
    ROUTE_RECOVERY,
    Params,
    Platform,
    Recovery,
    implied_purchases,
    loss_shares,
    measure_platform,
    platforms_of,
    reported_after,
)
from .money import monthly_benefit, ramp_weights

DRAWS = 10_000
PERCENTILES = (10, 50, 90)


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
RATE_NAMES = ("consent", "att", "adblock", "safari", "itp", "connectivity")


# Inputs that leave the seed of the draws alone: display, a check, a test plan.
NOT_DRAWN = ("currency", "orders", "integration", *QUIET_AT_DEFAULT)


def clip(value: Any, limit: Limit) -> Any:
    return np.clip(value, limit.low, limit.high)


def seed_for(
    inputs: Inputs,
    version: int,
    keys: tuple[str, ...],
    quiet: tuple[str, ...] = QUIET_AT_DEFAULT,
) -> int:
    """A seed from the canonical inputs (the ``keys`` the version reads), so a
    link always shows the same range.

    The currency is display only and the store's orders only a check, so
    neither changes the draws: entering orders leaves the range as it was.
    """
    pairs = pairs_of(inputs, keys, quiet)
    text = "&".join(f"{k}={v}" for k, v in pairs if k not in NOT_DRAWN)
    digest = hashlib.sha256(f"v{version}|{text}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def triangular(u: Any, low: float, mode: float, high: float) -> Any:
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


def scenario_outcomes(
    inputs: Inputs, sc: Scenarios, recovery: Mapping[str, Recovery]
) -> dict[str, Any]:
    """Versions 1 and 2: recovered, lift, monthly benefit, net and ROI for
    every scenario at once."""
    p = Params.of(inputs, recovery)
    r = sc.rates
    shares, seen = loss_shares(
        r["consent"], r["att"], r["adblock"], r["safari"] * r["itp"], r["connectivity"]
    )
    n = implied_purchases(p.reported, seen, p.match_before)
    if p.acr is None:
        recovered = reported_after(n, seen, shares, sc.recovery, sc.match_after) - p.reported
    else:
        recovered = n * 0.0 + p.reported * p.acr
    gain = sc.gain
    if sc.slope is not None:
        gain = clip(estimated_lift(sc.slope, recovered / p.reported), DRAWN_LIFT)
    _incremental, benefit = monthly_benefit(n, p.spend, p.aov, p.margin, gain, p.mode)
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


def spread_range(name: str, value: float, inputs: Inputs) -> tuple[float, float]:
    """The low and high end of an uncertain input, within its allowed range."""
    spread = SPREADS[name]
    low = float(clip(spread.low(value, inputs), spread.limit))
    high = float(clip(spread.high(value, inputs), spread.limit))
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
    low, high = spread_range(name, value, inputs)
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
        clip(triangular(u[k], row.low, row.mode, row.high), row.limit) / row.per
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
    return scenario_outcomes(inputs, sc, recovery)


def share_paying(net: Any) -> float:
    """The share of the draws whose net is positive."""
    return float(np.mean(net > 0))


def uncertainty_v1(
    inputs: Inputs,
    version: int = 1,
    recovery: Mapping[str, Recovery] = RECOVERY,
    draws: int = DRAWS,
    keys: tuple[str, ...] = V1_KEYS,
) -> Uncertainty:
    """P10/P50/P90 over ``draws`` triangular scenarios, seeded from the inputs."""
    seed = seed_for(inputs, version, keys)
    out = _drawn_outcomes(inputs, seed, recovery, draws, _lift_row_v1(inputs), False)
    return Uncertainty(
        draws=draws, **_bands(out, BANDS_V1), probability_positive=share_paying(out["net"])
    )


def uncertainty_v2(
    inputs: Inputs,
    version: int = 2,
    recovery: Mapping[str, Recovery] = RECOVERY,
    draws: int = DRAWS,
    keys: tuple[str, ...] = V2_KEYS,
) -> UncertaintyV2:
    """Version 2's range: as version 1's, but the lift follows each draw's signal
    gain (or is drawn around the entered figure), and can be negative."""
    seed = seed_for(inputs, version, keys)
    estimated = inputs.cpa_gain is None
    out = _drawn_outcomes(inputs, seed, recovery, draws, _lift_row_v2(inputs), estimated)
    return UncertaintyV2(
        draws=draws, **_bands(out, BANDS_V2), probability_positive=share_paying(out["net"])
    )


# --- version 3: the store's rows drawn once, shared by every platform ----------

RECOVERY_SPREAD = (0.8, 1.0, 1.2)  # one multiplier per recoverable cause
UNSURE_SHARE = (0.0, 0.0, 0.5)  # a share of the anchor of 0: no evidence either way


@dataclass(frozen=True)
class StoreScenarios:
    """Version 3's scenarios, one array entry each, in fractions. The store's
    rows (the loss rates and one recovery multiplier per recoverable cause)
    are shared by every platform; each platform has its own match rate and
    lift (its share of the anchor when estimated, its fall in CPA when
    entered)."""

    rates: dict[str, Any]
    multipliers: dict[str, Any]  # by cause in RECOVERABLE
    match_after: dict[str, Any]  # by platform
    lift: dict[str, Any]  # by platform


def store_outcomes(inputs: Inputs, platforms: list[Platform], sc: StoreScenarios) -> dict[str, Any]:
    """Each platform's recovered purchases and lift, and the store's monthly
    benefit, net and ROI, for every scenario at once."""
    r = sc.rates
    rates = (r["consent"], r["att"], r["adblock"], r["safari"] * r["itp"], r["connectivity"])
    aov, margin = float(inputs.aov), inputs.margin / 100
    benefit: Any = 0.0
    each = {}
    for pl in platforms:
        recovery = [
            np.minimum(1.0, sc.multipliers[cause] * rate) if cause in sc.multipliers else rate
            for cause, rate in zip(CAUSES, pl.recovery, strict=True)
        ]
        m = measure_platform(pl, rates, recovery, sc.match_after[pl.name])
        c0, c1 = m.coverage(pl.reported)
        gain = lift_used(pl.serves, pl.cpa_gain is not None, sc.lift[pl.name], anchor(c0, c1))
        _incremental, platform_benefit = monthly_benefit(
            m.n, pl.spend, aov, margin, gain, inputs.mode
        )
        benefit = benefit + platform_benefit
        each[pl.name] = {"recovered": m.after - pl.reported, "cpa_gain": gain}
    total_cost = float(inputs.setup_cost) + float(inputs.monthly_cost) * int(inputs.months)
    net = benefit * math.fsum(ramp_weights(int(inputs.ramp), int(inputs.months))) - total_cost
    return {
        "monthly_benefit": benefit,
        "net": net,
        "roi": None if total_cost == 0 else net / total_cost,
        "platforms": each,
    }


def match_after_ends(before: float, after: float) -> tuple[float, float]:
    """Version 2's ends of a match rate with server events, in percent:
    max(before, after - 8) and after + 4, within 1-100."""
    low = float(clip(max(before, after - 8), SPREADS["match_after"].limit))
    high = float(clip(after + 4, SPREADS["match_after"].limit))
    return low, high


def _platform_rows(inputs: Inputs, pl: Platform) -> list[_Row]:
    """A platform's own rows: its match rate with server events, then its lift."""
    before_key = prefixed(pl.name, "match_before")
    after_key = prefixed(pl.name, "match_after")
    before, after = getattr(inputs, before_key), getattr(inputs, after_key)
    match = _Row(*_spread(match_after_ends(before, after), after), Limit(before, 100))
    if pl.cpa_gain is not None:
        p = pl.cpa_gain
        lift = _Row(LIFT_LOW * p, p, LIFT_HIGH * p, DRAWN_LIFT, per=1)
    elif pl.lift_share > 0:
        share = pl.lift_share
        lift = _Row(LIFT_LOW * share, share, min(1.0, LIFT_HIGH * share), NO_LIMIT, per=1)
    else:
        lift = _Row(*UNSURE_SHARE, NO_LIMIT, per=1)
    return [match, lift]


def _spread(ends: tuple[float, float], mode: float) -> tuple[float, float, float]:
    return ends[0], mode, ends[1]


@dataclass(frozen=True)
class PlatformBands:
    recovered: Band
    cpa_gain: Band  # the lift used, as a fraction


@dataclass(frozen=True)
class UncertaintyV3:
    draws: int
    monthly_benefit: Band
    net: Band
    roi: Band
    probability_positive: float
    platforms: dict[str, PlatformBands]


def uncertainty_v3(
    inputs: Inputs,
    version: int = 3,
    table: Mapping[str, Recovery] = ROUTE_RECOVERY,
    draws: int = DRAWS,
    keys: tuple[str, ...] = V3_KEYS,
    quiet: tuple[str, ...] = QUIET_V3,
) -> UncertaintyV3:
    """Version 3's range. One seeded block of uniforms, a row per drawn
    input: the six loss rates, the recovery multipliers of ad blockers, ITP
    and connectivity, then each platform's match rate and lift. The store's
    rows are drawn once and used by every platform."""
    seed = seed_for(inputs, version, keys, quiet)
    platforms = platforms_of(inputs, table)
    rows = [
        _Row(*_triangle(name, getattr(inputs, name), inputs), SPREADS[name].limit)
        for name in RATE_NAMES
    ]
    rows += [_Row(*RECOVERY_SPREAD, NO_LIMIT, per=1) for _cause in RECOVERABLE]
    for pl in platforms:
        rows += _platform_rows(inputs, pl)
    u = np.random.default_rng(seed).random((len(rows), draws))
    drawn = iter(_draw(u, rows))
    rates = {name: next(drawn) for name in RATE_NAMES}
    multipliers = {cause: next(drawn) for cause in RECOVERABLE}
    match_after, lift = {}, {}
    for pl in platforms:
        match_after[pl.name], lift[pl.name] = next(drawn), next(drawn)
    out = store_outcomes(inputs, platforms, StoreScenarios(rates, multipliers, match_after, lift))
    return UncertaintyV3(
        draws=draws,
        **_bands(out, ("monthly_benefit", "net", "roi")),
        probability_positive=share_paying(out["net"]),
        platforms={
            name: PlatformBands(_band(each["recovered"]), _band(each["cpa_gain"]))
            for name, each in out["platforms"].items()
        },
    )
