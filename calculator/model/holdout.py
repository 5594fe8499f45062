"""Can a holdout test prove the lift? The planner, for every version.

docs/model.md, "The holdout planner". Planning only: it changes no other
figure of a result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .inputs import Inputs

# --- versions 1 and 2 ---------------------------------------------------------

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


# --- version 3: a split of the store's own orders, tested one-sided ------------

# One-sided 5% test, 80% power: the question is whether the lift is above a
# bar (zero, or the break-even), never whether it is below.
Z_ONE_SIDED = 1.644854 + Z_POWER


@dataclass(frozen=True)
class HoldoutV3:
    """A test of ``weeks`` weeks with ``share`` of the store's orders (its
    regions) held out as control, spend equal in both arms. Poisson floors:
    real regions are noisier, so these are lower bounds."""

    weeks: int
    share: float  # h, a fraction
    orders_per_week: float  # O
    share_of_orders: float | None  # s = N_P / orders; None without orders
    expected_cpa_gain: float | None  # p_e
    mde_cpa_gain: float  # the smallest fall in true CPA the test detects
    weeks_for_expected: float | None
    weeks_for_breakeven: float | None
    weeks_to_clear_breakeven: float | None  # to show p_e is above p*, not just above 0
    test_cost: float  # the lift the control arm forgoes


def order_effect(p: float, s: float) -> float:
    """delta(p) = ln(1 + s p / (1 - p)): the log rate ratio of the store's
    orders when a share s of them is driven by platforms whose CPA falls by p."""
    return math.log(1 + s * p / (1 - p))


def _weeks(z2k: float, per_week: float, effect: float) -> float | None:
    """z^2 k / (O effect^2); None when the effect is too small for a float to
    tell (no test could show it)."""
    reach = per_week * effect**2
    weeks = z2k / reach if reach > 0 else math.inf
    return weeks if math.isfinite(weeks) else None


def holdout_v3(
    inputs: Inputs,
    pool_purchases: float,
    expected: float | None,
    breakeven: float | None,
    monthly_benefit: float,
) -> HoldoutV3:
    """docs/model.md, "The holdout planner, version 3", over the pool."""
    if inputs.orders is None:
        per_week, s = pool_purchases / WEEKS_A_MONTH, 1.0  # a lower bound on the orders
    else:
        per_week, s = inputs.orders / WEEKS_A_MONTH, min(1.0, pool_purchases / inputs.orders)
    h, weeks = inputs.holdout_share / 100, int(inputs.holdout_weeks)
    k = 1 / h + 1 / (1 - h)
    z2k = Z_ONE_SIDED**2 * k
    x = math.exp(Z_ONE_SIDED * math.sqrt(k / (per_week * weeks))) - 1

    def weeks_for_gain(p: float | None) -> float | None:
        if p is None or not 0 < p < 1:  # nothing to detect, or a fall no test can show
            return None
        return _weeks(z2k, per_week, order_effect(p, s))

    clear = None
    if expected is not None and breakeven is not None and expected > breakeven:
        gap = order_effect(expected, s) - order_effect(breakeven, s)
        clear = _weeks(z2k, per_week, gap)
    return HoldoutV3(
        weeks=weeks,
        share=h,
        orders_per_week=per_week,
        share_of_orders=None if inputs.orders is None else s,
        expected_cpa_gain=expected,
        mde_cpa_gain=x / (s + x),
        weeks_for_expected=weeks_for_gain(expected),
        weeks_for_breakeven=weeks_for_gain(breakeven),
        weeks_to_clear_breakeven=clear,
        test_cost=h * weeks * monthly_benefit / WEEKS_A_MONTH,
    )
