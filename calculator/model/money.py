"""Money: the lift's profit, the cash flows, ROI, payback, NPV and break-evens.

docs/model.md, "Money". Only the performance lift earns money; measurement
recovery never enters these figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .inputs import Inputs
from .measurement import Params


def monthly_benefit(
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


def payback_month(cumulative: list[float]) -> int | None:
    """First month j >= 1 whose cumulative cash flow is >= 0."""
    for month, total in enumerate(cumulative):
        if month >= 1 and total >= 0:
            return month
    return None


def npv(flows: list[float], annual_rate: float) -> float:
    monthly = (1 + annual_rate) ** (1 / 12) - 1
    return math.fsum(flow / (1 + monthly) ** j for j, flow in enumerate(flows))


def breakeven_gain(p: Params, n: float, weight_sum: float, total_cost: float) -> float | None:
    """Versions 1 and 2: the lift p* at which net = 0."""
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


def schedule(inputs: Inputs, results: Any) -> list[Month]:
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


# --- version 3: the money of every platform, for one stack's costs -------------


@dataclass(frozen=True)
class Cash:
    """The cash flows of a steady monthly ``benefit`` and their summary figures."""

    cash_flows: list[float]
    cumulative: list[float]
    weight_sum: float
    total_benefit: float
    total_cost: float
    net: float
    roi: float | None
    payback_month: int | None
    npv: float


def cash(
    benefit: float, setup_cost: float, monthly_cost: float, ramp: int, months: int, discount: float
) -> Cash:
    """Version 1's cash flows, ROI, payback and NPV, for the store's summed
    benefit; ``discount`` a fraction. No payback without a positive benefit."""
    weights = ramp_weights(ramp, months)
    weight_sum = math.fsum(weights)
    flows = [-setup_cost] + [benefit * w - monthly_cost for w in weights]
    cumulative = np.cumsum(flows).tolist()
    total_benefit = benefit * weight_sum
    total_cost = setup_cost + monthly_cost * months
    net = total_benefit - total_cost
    return Cash(
        cash_flows=flows,
        cumulative=cumulative,
        weight_sum=weight_sum,
        total_benefit=total_benefit,
        total_cost=total_cost,
        net=net,
        roi=None if total_cost == 0 else net / total_cost,
        payback_month=payback_month(cumulative) if total_benefit > 0 else None,
        npv=npv(flows, discount),
    )


def pool_breakeven(
    total_cost: float,
    pool_purchases: float,
    pool_spend: float,
    aov: float,
    margin: float,
    weight_sum: float,
    mode: str,
    empty: bool,
) -> float | None:
    """p*: one common fall in true cost per purchase, on every platform of the
    pool, at which net = 0. None for an empty pool; 0 when nothing costs."""
    if empty:
        return None
    if total_cost == 0:
        return 0.0
    if mode == "save":
        needed = total_cost / (pool_spend * weight_sum)
        return None if needed >= 1 else needed
    per_unit = pool_purchases * aov * margin * weight_sum
    g = total_cost / per_unit if per_unit > 0 else math.inf
    # A margin so near 0 that g overflows: as with 0, no fall pays.
    return g / (1 + g) if math.isfinite(g) else None
