"""Which integration pays best: every integration of the cost table, for one store.

docs/model.md, "Comparing integrations". The visitor's own result is one
row: the integration they chose, with the routes and costs they typed. Every
other integration is priced as it typically is: its own routes for Meta,
Google and TikTok and its typical costs at this store's volume. A typed cost
or route describes the visitor's own set-up; carried to another integration
it would credit the Meta Gateway with a Google route it cannot give, or
price server-side GTM at a custom backend's quote.

Each row is the deterministic point result (``compute_v3``); no draws, so
seven rows cost less than the one result's range.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from .costs import ROUTES_OF, with_integration
from .inputs import Inputs
from .measurement import ROUTE_RECOVERY, Recovery
from .results import compute_v3

# What kind of store it is: which native integrations it can use. Not a model
# input: it changes no figure, only which rows are available.
STORES = ("shopify", "woocommerce", "other")
DEFAULT_STORE = "other"
# The integrations only one kind of store can use, and that kind.
NEEDS_STORE = {"shopify": "shopify", "woocommerce": "woocommerce"}
# The cost table's order (docs/model.md, "Typical costs of an integration").
COMPARED = tuple(ROUTES_OF)


@dataclass(frozen=True)
class IntegrationResult:
    """One integration for this store: what it covers, costs and earns."""

    integration: str
    platforms: list[str]  # those with spend it sends server events to, Meta first
    setup_cost: float
    monthly_cost: float
    net: float  # over the horizon
    payback_month: int | None
    breakeven_cpa_gain: float | None  # p* over the platforms it covers
    available: bool
    best: bool


def inputs_for(integration: str, inputs: Inputs) -> Inputs:
    """The inputs of ``integration``'s row. The visitor's own integration keeps
    ``inputs`` as they are (their typed routes and costs included); any other
    takes its own routes and its typical costs, the store's other inputs kept."""
    if integration == inputs.integration:
        return inputs
    return with_integration(replace(inputs, integration=integration), given=())


def is_available(integration: str, store: str, chosen: str | None) -> bool:
    """A native integration needs its kind of store; the one the visitor chose
    counts as available whatever ``store`` says (they know what their store runs)."""
    needs = NEEDS_STORE.get(integration)
    return needs is None or needs == store or integration == chosen


def compare_integrations(
    inputs: Inputs,
    store: str = DEFAULT_STORE,
    table: Mapping[str, Recovery] = ROUTE_RECOVERY,
) -> list[IntegrationResult]:
    """Every integration of the cost table for this store, in the table's order.

    ``inputs`` are version 3's, as the form resolves them (the chosen
    integration's routes and costs already applied, ``with_integration``), so
    the chosen row is the visitor's own result. The best row has the highest
    net among the available integrations that cover at least one of the
    store's platforms; a tie goes to the one listed first. There is at most
    one, and none only when no available integration covers anything.

    >>> rows = compare_integrations(Inputs(integration="custom"))
    >>> [row.integration for row in rows if row.best]
    ['managed']
    """
    if store not in STORES:
        raise ValueError(f"unknown store {store!r}")
    rows = []
    for integration in COMPARED:
        own = inputs_for(integration, inputs)
        results = compute_v3(own, table)
        covered = [name for name, pl in results.platforms.items() if pl.route != "none"]
        rows.append(
            IntegrationResult(
                integration=integration,
                platforms=covered,
                setup_cost=float(own.setup_cost),
                monthly_cost=float(own.monthly_cost),
                net=results.net,
                payback_month=results.payback_month,
                breakeven_cpa_gain=results.breakeven_cpa_gain,
                available=is_available(integration, store, inputs.integration),
                best=False,
            )
        )
    candidates = [row for row in rows if row.available and row.platforms]
    if not candidates:
        return rows
    best = max(candidates, key=lambda row: row.net)  # max keeps the first of equals
    return [replace(row, best=row is best) for row in rows]


def comparison_to_dicts(rows: list[IntegrationResult]) -> list[dict[str, Any]]:
    """The rows as the API answers them (docs/model.md, "Comparing integrations");
    a non-finite figure, which valid inputs never produce, becomes null."""
    return [
        {
            key: None if isinstance(value, float) and not math.isfinite(value) else value
            for key, value in asdict(row).items()
        }
        for row in rows
    ]
