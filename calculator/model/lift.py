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
