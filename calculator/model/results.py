"""One exact calculation: every figure of a result, version by version.

Each ``compute_vN`` reads like its version's section of docs/model.md: the
measurement, then the lift, then the money, each from its own module.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .inputs import Inputs
from .lift import META_AVERAGE_LIFT, estimated_lift
from .measurement import CAUSES, RECOVERY, Measurement, Params, Recovery, measure
from .money import breakeven_gain, monthly_benefit, npv, payback_month, ramp_weights

# --- version 1 ------------------------------------------------------------------


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


def _figures(p: Params, m: Measurement, gain: float) -> dict[str, Any]:
    """Every version 1 figure, with the lift ``gain`` (a fraction)."""
    n, after = m.n, m.after
    recovered = after - p.reported
    incremental, benefit = monthly_benefit(n, p.spend, p.aov, p.margin, gain, p.mode)
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
        "payback_month": payback_month(cumulative),
        "npv": npv(flows, p.discount),
        "breakeven_cpa_gain": breakeven_gain(p, n, weight_sum, total_cost),
        "breakeven_spend": None if total_benefit == 0 else total_cost * p.spend / total_benefit,
    }


def compute_v1(inputs: Inputs, recovery: Mapping[str, Recovery] = RECOVERY) -> Results:
    """docs/model.md version 1 for one set of inputs.

    >>> round(compute_v1(Inputs(cpa_gain=5)).true_conversions, 2)
    584.49
    """
    p = Params.of(inputs, recovery)
    return Results(**_figures(p, measure(p), p.gain))


# --- version 2: the lift follows the signal --------------------------------------

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

    >>> round(compute_v2(Inputs()).estimated_cpa_gain, 5)
    0.04893
    """
    p = Params.of(inputs, recovery)
    m = measure(p)
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
