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

from .holdout import HoldoutV3, holdout_v3
from .inputs import Inputs
from .lift import META_AVERAGE_LIFT, anchor, estimated_lift, lift_used
from .measurement import (
    CAUSES,
    RECOVERY,
    ROUTE_RECOVERY,
    Measurement,
    Params,
    Platform,
    Recovery,
    measure,
    measure_platform,
    platforms_of,
    store_rates,
)
from .money import (
    breakeven_gain,
    cash,
    monthly_benefit,
    npv,
    payback_month,
    pool_breakeven,
    ramp_weights,
)

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


# --- version 3: every platform, the lift on randomized evidence ------------------

# Warning bars (docs/model.md, "Warnings"), as fractions.
RECOVERY_EVIDENCE = 0.6  # above every ACR median Meta publishes
MOST_ORDERS = 0.7  # an attribution this high is rare outside single-channel stores
ROAS_FLOOR = 0.25
ROAS_CEILING = {"meta": 25.0, "google": 50.0, "tiktok": 25.0}  # brand search runs high


@dataclass(frozen=True)
class PlatformResults:
    """One platform's figures; ratios are fractions."""

    route: str
    spend: float
    true_conversions: float
    pixel_observed: float
    losses: dict[str, float]  # with "unexplained" only after a measured ACR raised N
    reported_before: float
    reported_after: float
    recovered: float
    recovered_share: float  # G
    discrepancy_before: float
    discrepancy_after: float
    coverage_before: float  # c0
    coverage_after: float  # c1
    lift_ceiling: float  # the anchor
    estimated_cpa_gain: float
    cpa_gain: float
    cpa_gain_source: str  # "signal", "entered" or "none"
    reported_cpa_before: float
    reported_cpa_after: float
    reported_roas_before: float
    reported_roas_after: float
    true_cpa_before: float
    true_cpa_after: float
    incremental_conversions: float
    monthly_benefit: float
    share_of_orders: float | None
    warnings: list[str]


@dataclass(frozen=True)
class ResultsV3:
    """The store's figures, summed over its platforms, and each platform's."""

    monthly_benefit: float
    incremental_conversions: float
    expected_cpa_gain: float | None  # p_e over the pool
    net_monthly: float
    cash_flows: list[float]
    cumulative: list[float]
    total_benefit: float
    total_cost: float
    net: float
    roi: float | None
    payback_month: int | None
    npv: float
    breakeven_cpa_gain: float | None  # p* over the pool
    breakeven_spend: float | None
    warnings: list[str]
    holdout: HoldoutV3 | None  # None when no platform is served
    platforms: dict[str, PlatformResults]


def _platform_warnings(
    pl: Platform, m: PlatformResults, orders: float | None, raised: bool
) -> list[str]:
    """docs/model.md's per-platform warning codes, in its order."""
    roas = m.reported_roas_before
    checks = (
        ("pixel_sees_under_a_fifth", m.coverage_before < SEES_TOO_LITTLE),
        ("recovery_above_evidence", m.recovered_share > RECOVERY_EVIDENCE),
        ("lift_above_ceiling", m.cpa_gain > m.lift_ceiling),
        ("claims_most_orders", orders is not None and m.true_conversions / orders > MOST_ORDERS),
        ("reported_roas_implausible", not ROAS_FLOOR <= roas <= ROAS_CEILING[pl.name]),
        ("acr_above_modelled_losses", raised),
    )
    return [code for code, doubtful in checks if doubtful]


def platform_results(
    pl: Platform, inputs: Inputs, rates: tuple[float, ...]
) -> tuple[PlatformResults, Any]:
    """One platform's figures (and its measurement), as docs/model.md's
    "Each platform's measurement" and "The lift" compute them."""
    m = measure_platform(pl, rates, list(pl.recovery), pl.match_after)
    n, after, observed = float(m.n), float(m.after), float(m.observed)
    raised = bool(m.raised)
    c0, c1 = pl.reported / n, after / n
    ceiling = float(anchor(c0, c1))
    entered = pl.cpa_gain is not None
    estimated = pl.lift_share * ceiling if pl.serves else 0.0
    gain = float(lift_used(pl.serves, entered, pl.cpa_gain if entered else pl.lift_share, ceiling))
    aov, margin = float(inputs.aov), inputs.margin / 100
    incremental, benefit = monthly_benefit(n, pl.spend, aov, margin, gain, inputs.mode)
    losses = {cause: n * float(share) for cause, share in zip(CAUSES, m.shares, strict=True)}
    if raised:
        losses["unexplained"] = n - observed - math.fsum(losses.values())
    recovered = after - pl.reported
    figures = PlatformResults(
        route=pl.route,
        spend=pl.spend,
        true_conversions=n,
        pixel_observed=observed,
        losses=losses,
        reported_before=pl.reported,
        reported_after=after,
        recovered=recovered,
        recovered_share=recovered / pl.reported,
        discrepancy_before=1 - c0,
        discrepancy_after=1 - c1,
        coverage_before=c0,
        coverage_after=c1,
        lift_ceiling=ceiling,
        estimated_cpa_gain=estimated,
        cpa_gain=gain,
        cpa_gain_source="none" if not pl.serves else "entered" if entered else "signal",
        reported_cpa_before=pl.spend / pl.reported,
        reported_cpa_after=pl.spend / after,
        reported_roas_before=pl.reported * aov / pl.spend,
        reported_roas_after=after * aov / pl.spend,
        true_cpa_before=pl.spend / n,
        true_cpa_after=pl.spend / n * (1 - gain),
        incremental_conversions=float(incremental),
        monthly_benefit=float(benefit),
        share_of_orders=None if inputs.orders is None else n / inputs.orders,
        warnings=[],
    )
    figures.warnings.extend(_platform_warnings(pl, figures, inputs.orders, raised))
    return figures, m


def compute_v3(inputs: Inputs, table: Mapping[str, Recovery] = ROUTE_RECOVERY) -> ResultsV3:
    """docs/model.md version 3: each platform measured on its route, its lift a
    share of the randomized anchor, the money summed for the stack's costs.

    >>> r = compute_v3(Inputs())
    >>> round(r.platforms["meta"].lift_ceiling, 5), round(r.net, 2)
    (0.05277, 3128.69)
    """
    rates = store_rates(inputs)
    platforms = platforms_of(inputs, table)
    each = {pl.name: platform_results(pl, inputs, rates)[0] for pl in platforms}
    pool = [each[pl.name] for pl in platforms if pl.serves]
    benefit = math.fsum(r.monthly_benefit for r in each.values())
    money = cash(
        benefit,
        float(inputs.setup_cost),
        float(inputs.monthly_cost),
        int(inputs.ramp),
        int(inputs.months),
        inputs.discount / 100,
    )
    pool_n = math.fsum(r.true_conversions for r in pool)
    pool_spend = math.fsum(r.spend for r in pool)
    expected = math.fsum(r.true_conversions * r.cpa_gain for r in pool) / pool_n if pool else None
    breakeven = pool_breakeven(
        money.total_cost,
        pool_n,
        pool_spend,
        float(inputs.aov),
        inputs.margin / 100,
        money.weight_sum,
        inputs.mode,
        empty=not pool,
    )
    warnings = []
    claimed = math.fsum(r.true_conversions for r in each.values())
    if inputs.orders is not None and claimed > inputs.orders:
        warnings.append("platforms_claim_more_than_orders")
    if pool and breakeven is not None:
        ceiling = math.fsum(r.true_conversions * r.lift_ceiling for r in pool) / pool_n
        if breakeven > ceiling:
            warnings.append("breakeven_above_ceiling")
    if not pool:
        warnings.append("setup_serves_no_platform")
    return ResultsV3(
        monthly_benefit=benefit,
        incremental_conversions=math.fsum(r.incremental_conversions for r in each.values()),
        expected_cpa_gain=expected,
        net_monthly=benefit - float(inputs.monthly_cost),
        cash_flows=money.cash_flows,
        cumulative=money.cumulative,
        total_benefit=money.total_benefit,
        total_cost=money.total_cost,
        net=money.net,
        roi=money.roi,
        payback_month=money.payback_month,
        npv=money.npv,
        breakeven_cpa_gain=breakeven,
        breakeven_spend=(
            money.total_cost * pool_spend / money.total_benefit
            if pool and money.total_benefit > 0
            else None
        ),
        warnings=warnings,
        holdout=holdout_v3(inputs, pool_n, expected, breakeven, benefit) if pool else None,
        platforms=each,
    )
