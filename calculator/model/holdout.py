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
