"""Money: the lift's profit, the cash flows, ROI, payback, NPV and break-evens.

docs/model.md, "Money". Only the performance lift earns money; measurement
recovery never enters these figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

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
