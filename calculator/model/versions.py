"""The registry of model versions, and a result's report.

A share link names its version, so a later version never changes what an
older link shows: each version is a frozen recipe of the modules beside this
one, registered here under its number.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .draws import (
    Uncertainty,
    UncertaintyV2,
    UncertaintyV3,
    uncertainty_v1,
    uncertainty_v2,
    uncertainty_v3,
)
from .holdout import Holdout, HoldoutV3, holdout_plan
from .inputs import (
    DEFAULTS,
    DEFAULTS_V1,
    QUIET_AT_DEFAULT,
    QUIET_V3,
    V1_KEYS,
    V2_KEYS,
    V3_KEYS,
    Inputs,
    pairs_of,
)
from .measurement import CAUSES, RECOVERY, ROUTE_RECOVERY, Recovery, route_key, true_purchases
from .money import Month, schedule
from .results import Results, ResultsV2, ResultsV3, compute_v1, compute_v2, compute_v3
from .sensitivity import Swing, sensitivity_v1, sensitivity_v2, sensitivity_v3
from .validation import InvalidInputs, problems_v3


@dataclass(frozen=True)
class Report:
    """Everything one result shows: the JSON API's body, the page's figures.

    ``recovery`` (the chosen setup's recovery rate by cause) and ``months``
    (the cash flows month by month) are for display; the JSON body leaves
    them out.
    """

    model_version: int
    inputs: Inputs
    results: Results
    uncertainty: Uncertainty
    sensitivity: list[Swing]
    recovery: dict[str, float] = field(default_factory=dict)
    months: list[Month] = field(default_factory=list)

    @property
    def holdout(self) -> Holdout:
        """The holdout planner, on top of any version's results."""
        results = self.results
        return holdout_plan(
            self.inputs, results.true_conversions, self.cpa_gain, results.breakeven_cpa_gain
        )

    @property
    def cpa_gain(self) -> float:
        """The fall in true CPA the figures assume, as a fraction: entered or
        estimated in version 2, always entered in version 1."""
        used = getattr(self.results, "cpa_gain", None)
        return float(self.inputs.cpa_gain) / 100 if used is None else used

    @property
    def cpa_gain_source(self) -> str:
        """'signal' when the lift was estimated, 'entered' when the visitor gave it."""
        return getattr(self.results, "cpa_gain_source", "entered")


@dataclass(frozen=True)
class ModelVersion:
    """One frozen version of the model. A share link names its version, so a
    later version never changes what an older link shows.

    ``keys`` are the inputs the version reads (others are ignored, as unknown
    keys are), ``defaults`` what a missing key means, ``quiet`` the keys a
    link names only when they differ from their defaults.
    """

    number: int
    recovery: Mapping[str, Recovery] = field(default_factory=lambda: RECOVERY)
    keys: tuple[str, ...] = V1_KEYS
    defaults: Inputs = DEFAULTS_V1
    quiet: tuple[str, ...] = QUIET_AT_DEFAULT

    def problems(self, inputs: Inputs) -> dict[str, Any]:
        found = inputs.problems()
        if inputs.cpa_gain is None:
            found["cpa_gain"] = "required"
        return found

    def compute(self, inputs: Inputs) -> Results:
        return compute_v1(inputs, self.recovery)

    def uncertainty(self, inputs: Inputs) -> Uncertainty:
        return uncertainty_v1(inputs, self.number, self.recovery, keys=self.keys)

    def sensitivity(self, inputs: Inputs) -> list[Swing]:
        return sensitivity_v1(inputs, self.recovery)

    def report(self, inputs: Inputs) -> Report:
        results = self.compute(inputs)
        table = self.recovery[inputs.setup]
        return Report(
            model_version=self.number,
            inputs=inputs,
            results=results,
            uncertainty=self.uncertainty(inputs),
            sensitivity=self.sensitivity(inputs),
            recovery={cause: getattr(table, cause) for cause in CAUSES},
            months=schedule(inputs, results),
        )


@dataclass(frozen=True)
class ModelVersion2(ModelVersion):
    """Version 2: the lift follows the signal CAPI adds; the store's orders bound N."""

    keys: tuple[str, ...] = V2_KEYS
    defaults: Inputs = DEFAULTS

    def problems(self, inputs: Inputs) -> dict[str, Any]:
        found = inputs.problems()
        if not found and inputs.orders is not None and true_purchases(inputs) > inputs.orders:
            found["orders"] = "fewer than the implied Meta-driven purchases"
        return found

    def compute(self, inputs: Inputs) -> ResultsV2:
        return compute_v2(inputs, self.recovery)

    def uncertainty(self, inputs: Inputs) -> UncertaintyV2:
        return uncertainty_v2(inputs, self.number, self.recovery, keys=self.keys)

    def sensitivity(self, inputs: Inputs) -> list[Swing]:
        return sensitivity_v2(inputs, self.recovery)


@dataclass(frozen=True)
class ReportV3(Report):
    """Version 3's report: the holdout plan is one of its results."""

    results: ResultsV3
    uncertainty: UncertaintyV3

    @property
    def holdout(self) -> HoldoutV3 | None:
        return self.results.holdout

    @property
    def cpa_gain(self) -> float:
        """The expected fall in true CPA over the served platforms; 0 when none is served."""
        expected = self.results.expected_cpa_gain
        return 0.0 if expected is None else expected

    @property
    def cpa_gain_source(self) -> str:
        """Meta's (or the first platform's) source: 'signal', 'entered' or 'none'."""
        return next(iter(self.results.platforms.values())).cpa_gain_source


@dataclass(frozen=True)
class ModelVersion3(ModelVersion):
    """Version 3: every platform a server container feeds, each on its route,
    its lift a share of the randomized anchor; the money summed for the
    stack's one cost. ``recovery`` is keyed by route (measurement.route_key)."""

    recovery: Mapping[str, Recovery] = field(default_factory=lambda: ROUTE_RECOVERY)
    keys: tuple[str, ...] = V3_KEYS
    defaults: Inputs = DEFAULTS
    quiet: tuple[str, ...] = QUIET_V3

    def problems(self, inputs: Inputs) -> dict[str, Any]:
        return problems_v3(inputs, self.recovery)

    def compute(self, inputs: Inputs) -> ResultsV3:
        return compute_v3(inputs, self.recovery)

    def uncertainty(self, inputs: Inputs) -> UncertaintyV3:
        return uncertainty_v3(inputs, self.number, self.recovery, keys=self.keys, quiet=self.quiet)

    def sensitivity(self, inputs: Inputs) -> list[Swing]:
        return sensitivity_v3(inputs, self.recovery)

    def report(self, inputs: Inputs) -> ReportV3:
        results = self.compute(inputs)
        table = self.recovery[route_key(inputs.setup, inputs.server_ip)]  # Meta's route
        return ReportV3(
            model_version=self.number,
            inputs=inputs,
            results=results,
            uncertainty=self.uncertainty(inputs),
            sensitivity=self.sensitivity(inputs),
            recovery={cause: getattr(table, cause) for cause in CAUSES},
            months=schedule(inputs, results),
        )


# Every version the model computes.
MODELS: dict[int, ModelVersion] = {
    1: ModelVersion(1),
    2: ModelVersion2(2),
    3: ModelVersion3(3),
}
# The versions a link may name, and the one a new result uses.
PUBLISHED = (1, 2, 3)
VERSIONS: dict[int, ModelVersion] = {number: MODELS[number] for number in PUBLISHED}
CURRENT_VERSION = 3
WARNINGS = ("pixel_sees_under_a_fifth", "lift_above_meta_average")
# Version 3's codes, in the order a result lists them.
PLATFORM_WARNINGS = (
    "pixel_sees_under_a_fifth",
    "recovery_above_evidence",
    "lift_above_ceiling",
    "claims_most_orders",
    "reported_roas_implausible",
    "acr_above_modelled_losses",
)
STORE_WARNINGS = (
    "platforms_claim_more_than_orders",
    "breakeven_above_ceiling",
    "setup_serves_no_platform",
)


def model_of(version: int | None = None) -> ModelVersion:
    """The model version ``version`` (the current one by default): a published
    one as links see it, else one computed but not yet offered to links."""
    number = CURRENT_VERSION if version is None else version
    return VERSIONS[number] if number in VERSIONS else MODELS[number]


def recovery_rates(version: int = CURRENT_VERSION) -> Mapping[str, Recovery]:
    """What CAPI recovers of each cause, by setup, under model ``version``."""
    return model_of(version).recovery


def register(model: ModelVersion) -> None:
    """Add a model version, computed and published; an existing number is
    never replaced."""
    if model.number in MODELS:
        raise ValueError(f"model version {model.number} exists already")
    MODELS[model.number] = VERSIONS[model.number] = model


def keys_of(version: int | None = None) -> tuple[str, ...]:
    """The input keys a model version reads, in canonical order."""
    return model_of(version).keys


def canonical_pairs(inputs: Inputs, version: int | None = None) -> list[tuple[str, str]]:
    """The inputs as (key, text) pairs in a fixed order: the identity of a result.

    Only the keys ``version`` reads, and an empty optional input is left out,
    so a version 1 link keeps exactly the form it was made with.
    """
    model = model_of(version)
    return pairs_of(inputs, model.keys, model.quiet)


def canonical_typed(inputs: Inputs, version: int | None = None) -> list[tuple[str, Any]]:
    """The inputs ``version`` reads, in key order, types kept (None when empty)."""
    return [(name, getattr(inputs, name)) for name in keys_of(version)]


def report(inputs: Inputs, version: int = CURRENT_VERSION) -> Report:
    """The full report of ``inputs`` under model ``version``."""
    model = model_of(version)
    problems = model.problems(inputs)
    if problems:
        raise InvalidInputs(problems)
    return model.report(inputs)


def _plain(value: Any) -> Any:
    """JSON-safe: non-finite floats (which valid inputs never produce) become null."""
    if isinstance(value, float | np.floating):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def report_to_dict(rep: Report) -> dict[str, Any]:
    """docs/model.md's JSON shape: model_version, inputs, results, uncertainty, sensitivity."""
    holdout = rep.holdout
    return {
        "model_version": rep.model_version,
        "inputs": _plain(dict(canonical_typed(rep.inputs, rep.model_version))),
        "results": _plain({**asdict(rep.results), "holdout": holdout and asdict(holdout)}),
        "uncertainty": _plain(asdict(rep.uncertainty)),
        "sensitivity": _plain([asdict(s) for s in rep.sensitivity]),
    }
