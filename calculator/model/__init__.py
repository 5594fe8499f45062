"""The ROI model of server-side tracking: a pure package, numpy and the
standard library only, no Django. It implements docs/model.md, the contract
for every number the site shows.

Two effects are kept apart on purpose. *Measurement recovery* makes a
platform report purchases it missed; it creates no revenue and never enters
ROI. *Performance lift* lowers the true cost per purchase; only it earns
money, so only it feeds ROI, payback, NPV and the break-evens.

Read it in the order of docs/model.md:

- ``inputs``: what a visitor enters, the allowed ranges, a result's link;
- ``measurement``: the purchases each cause hides, what server events recover;
- ``lift``: how much the fuller signal lowers the true cost per purchase;
- ``money``: cash flows, ROI, payback, NPV and the break-evens;
- ``results``: one exact calculation, version by version;
- ``draws`` and ``sensitivity``: the range and the tornado;
- ``holdout``: the test that could confirm the lift;
- ``versions``: the registry of versions, and a result's report.

Other modules import from here, never from the modules inside.
"""

from __future__ import annotations

from .draws import (
    BANDS_V1,
    BANDS_V2,
    DRAWS,
    NO_LIMIT,
    NOT_DRAWN,
    PERCENTILES,
    RATE_NAMES,
    SPREADS,
    Band,
    Scenarios,
    Spread,
    Uncertainty,
    UncertaintyV2,
    seed_for,
    uncertainty_v1,
    uncertainty_v2,
)
from .holdout import (
    WEEKS_A_MONTH,
    Z_ALPHA,
    Z_POWER,
    Holdout,
    Z,
    detectable_cpa_gain,
    holdout_plan,
    weeks_for,
)
from .inputs import (
    CURRENCIES,
    DEFAULTS,
    DEFAULTS_V1,
    INPUT_KEYS,
    INTEGRATIONS,
    LIMITS,
    MODES,
    QUIET_AT_DEFAULT,
    SETUPS,
    V1_KEYS,
    V2_KEYS,
    Inputs,
    Limit,
    format_number,
)
from .lift import DRAWN_LIFT, LIFT_CAP, LIFT_HIGH, LIFT_LOW, META_AVERAGE_LIFT, estimated_lift
from .measurement import CAUSE_NAMES, CAUSES, RECOVERY, Recovery, true_purchases
from .money import Month, ramp_weights, schedule
from .results import SEES_TOO_LITTLE, Results, ResultsV2, compute_v1, compute_v2, warnings_for
from .sensitivity import LABELS_V2, SENSITIVITY_V2, Swing, sensitivity_v1, sensitivity_v2
from .versions import (
    CURRENT_VERSION,
    VERSIONS,
    WARNINGS,
    ModelVersion,
    ModelVersion2,
    Report,
    canonical_pairs,
    canonical_typed,
    keys_of,
    recovery_rates,
    register,
    report,
    report_to_dict,
)

__all__ = [
    "BANDS_V1",
    "BANDS_V2",
    "CAUSES",
    "CAUSE_NAMES",
    "CURRENCIES",
    "CURRENT_VERSION",
    "DEFAULTS",
    "DEFAULTS_V1",
    "DRAWN_LIFT",
    "DRAWS",
    "INPUT_KEYS",
    "INTEGRATIONS",
    "LABELS_V2",
    "LIFT_CAP",
    "LIFT_HIGH",
    "LIFT_LOW",
    "LIMITS",
    "META_AVERAGE_LIFT",
    "MODES",
    "NOT_DRAWN",
    "NO_LIMIT",
    "PERCENTILES",
    "QUIET_AT_DEFAULT",
    "RATE_NAMES",
    "RECOVERY",
    "SEES_TOO_LITTLE",
    "SENSITIVITY_V2",
    "SETUPS",
    "SPREADS",
    "V1_KEYS",
    "V2_KEYS",
    "VERSIONS",
    "WARNINGS",
    "WEEKS_A_MONTH",
    "Z",
    "Z_ALPHA",
    "Z_POWER",
    "Band",
    "Holdout",
    "Inputs",
    "Limit",
    "ModelVersion",
    "ModelVersion2",
    "Month",
    "Recovery",
    "Report",
    "Results",
    "ResultsV2",
    "Scenarios",
    "Spread",
    "Swing",
    "Uncertainty",
    "UncertaintyV2",
    "canonical_pairs",
    "canonical_typed",
    "compute_v1",
    "compute_v2",
    "detectable_cpa_gain",
    "estimated_lift",
    "format_number",
    "holdout_plan",
    "keys_of",
    "ramp_weights",
    "recovery_rates",
    "register",
    "report",
    "report_to_dict",
    "schedule",
    "seed_for",
    "sensitivity_v1",
    "sensitivity_v2",
    "true_purchases",
    "uncertainty_v1",
    "uncertainty_v2",
    "warnings_for",
    "weeks_for",
]
