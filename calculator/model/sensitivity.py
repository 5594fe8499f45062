"""The tornado: net at the low and the high end of one input at a time.

docs/model.md, "Sensitivity". Everything else stays at the visitor's value;
the bars are sorted by swing, largest first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .draws import (
    RATE_NAMES,
    SPREADS,
    Scenarios,
    StoreScenarios,
    clip,
    match_after_ends,
    scenario_outcomes,
    spread_range,
    store_outcomes,
)
from .inputs import PLATFORM_NAMES, PLATFORMS, Inputs, prefixed
from .lift import DRAWN_LIFT, LIFT_HIGH, LIFT_LOW
from .measurement import (
    CAUSE_NAMES,
    CAUSES,
    RECOVERABLE,
    RECOVERY,
    ROUTE_RECOVERY,
    Params,
    Platform,
    Recovery,
    platforms_of,
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


def _base_scenarios(inputs: Inputs, size: int, recovery: Mapping[str, Recovery]) -> Scenarios:
    """``size`` copies of the user's own values."""
    p = Params.of(inputs, recovery)
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
    low, high = spread_range(name, value, inputs)
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
    net = scenario_outcomes(inputs, sc, recovery)["net"]
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
        low, high = (float(clip(f * p, DRAWN_LIFT)) for f in (LIFT_LOW, LIFT_HIGH))
        sc.gain[last], sc.gain[last + 1] = low, high
        ends[lift] = (low * 100, high * 100)
    net = scenario_outcomes(inputs, sc, recovery)["net"]
    return _swings(names, ends, net, LABELS_V2)


# --- version 3 -------------------------------------------------------------------

LABELS_V3 = {
    **CAUSE_NAMES,
    "safari": "Safari share",
    "recovery": "What server events recover",
    **{
        prefixed(platform, key): f"{label} ({PLATFORM_NAMES[platform]})"
        for platform in PLATFORMS
        for key, label in (
            ("match_after", "Match rate with server events"),
            ("lift_share", "Share of the study's lift"),
            ("cpa_gain", "Your CPA improvement"),
        )
    },
}
UNSURE_SHARE_ENDS = (0.0, 50.0)  # a share of 0 is ranked from 0 to 50%
SIX_RATES = ("adblock", "itp", "connectivity", "att", "safari", "consent")


def _lift_ends(pl: Platform) -> tuple[str, float, float]:
    """The lift's input and its two ends in percent: the entered fall in CPA,
    or the share of the anchor."""
    if pl.cpa_gain is not None:
        p = pl.cpa_gain * 100
        return "cpa_gain", LIFT_LOW * p, min(50.0, LIFT_HIGH * p)
    share = pl.lift_share * 100
    if share == 0:
        return "lift_share", *UNSURE_SHARE_ENDS
    return "lift_share", LIFT_LOW * share, min(100.0, LIFT_HIGH * share)


def sensitivity_v3(inputs: Inputs, table: Mapping[str, Recovery] = ROUTE_RECOVERY) -> list[Swing]:
    """Version 3's tornado: the six loss rates, what server events recover,
    and each platform's match rate and lift, each at its two ends with the
    rest at the visitor's value. An input whose ends give the same net moves
    nothing, and is left out."""
    platforms = platforms_of(inputs, table)
    ends: dict[str, tuple[float, float]] = {
        name: spread_range(name, getattr(inputs, name), inputs) for name in SIX_RATES
    }
    ends["recovery"] = (0.8, 1.2)  # multipliers of every route's rates, capped at 1
    for pl in platforms:
        before = getattr(inputs, prefixed(pl.name, "match_before"))
        after = getattr(inputs, prefixed(pl.name, "match_after"))
        ends[prefixed(pl.name, "match_after")] = match_after_ends(before, after)
        lift, low, high = _lift_ends(pl)
        ends[prefixed(pl.name, lift)] = (low, high)
    names = list(ends)
    size = 2 * len(names)
    sc = StoreScenarios(
        rates={name: np.full(size, getattr(inputs, name) * 0.01) for name in RATE_NAMES},
        multipliers={cause: np.ones(size) for cause in RECOVERABLE},
        match_after={pl.name: np.full(size, pl.match_after) for pl in platforms},
        lift={
            pl.name: np.full(size, pl.lift_share if pl.cpa_gain is None else pl.cpa_gain)
            for pl in platforms
        },
    )
    owner = {
        prefixed(pl.name, key): pl.name
        for pl in platforms
        for key in ("match_after", "lift_share", "cpa_gain")
    }
    for k, name in enumerate(names):
        low, high = ends[name]
        if name == "recovery":
            targets = list(sc.multipliers.values())
        elif name in sc.rates:
            targets = [sc.rates[name]]
            low, high = low / 100, high / 100
        elif name.endswith("match_after"):
            targets = [sc.match_after[owner[name]]]
            low, high = low / 100, high / 100
        else:
            targets = [sc.lift[owner[name]]]
            low, high = low / 100, high / 100
        for target in targets:
            target[2 * k], target[2 * k + 1] = low, high
    net = store_outcomes(inputs, platforms, sc)["net"]
    swings = _swings(names, ends, net, LABELS_V3)
    return [s for s in swings if s.net_low != s.net_high]
