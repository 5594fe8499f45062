"""The lift: how much the fuller signal lowers the true cost per purchase.

docs/model.md, "The lift". Version 1 takes it as entered; version 2 follows
the signal gain G with a slope. Only the lift earns money.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .inputs import Limit

# --- version 2: the lift follows the signal ----------------------------------

LIFT_CAP = 0.25  # about twice the 13% Meta reports for advertisers who chose CAPI
META_AVERAGE_LIFT = 0.13
DRAWN_LIFT = Limit(-0.5, 0.5)  # a drawn lift, as a fraction; below 0 a broken setup
LIFT_LOW, LIFT_HIGH = -0.25, 2.0  # the lift's range, as multiples of its central value


def estimated_lift(slope: Any, signal_gain: Any) -> Any:
    """p-hat = min(0.25, k * G): the fall in true CPA that the extra signal buys."""
    return np.minimum(LIFT_CAP, slope * signal_gain)


# --- version 3: the lift rests on randomized evidence -------------------------

# Wernerfelt, Tuchman, Shapiro & Moakler (2023): across more than 70,000 Meta
# advertisers, removing off-site data raised the cost per incremental
# customer by 35%.
THETA = 0.35


def anchor(coverage_before: Any, coverage_after: Any) -> Any:
    """theta (c1 - c0) / (1 + theta (1 - c0)): the fall in the cost per
    incremental purchase when coverage rises from c0 to c1, if that cost grows
    linearly from its full-data level at coverage 1 to 1.35 times it at 0.

    >>> round(anchor(0.0, 1.0), 4)  # from no data to full data: 0.35 / 1.35
    0.2593
    """
    c0, c1 = coverage_before, coverage_after
    return THETA * (c1 - c0) / (1 + THETA * (1 - c0))


def lift_used(serves: bool, entered: bool, value: Any, ceiling: Any) -> Any:
    """p: ``value`` itself when entered, else ``value`` (the share lambda) of
    the anchor ``ceiling``; none on a platform without server events. Clipped
    to [-0.5, 0.5], as the draws are."""
    if not serves:
        return ceiling * 0.0
    p = value + ceiling * 0.0 if entered else value * ceiling
    return np.clip(p, DRAWN_LIFT.low, DRAWN_LIFT.high)
