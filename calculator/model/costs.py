"""Typical costs of an integration, by the store's volume and platform count.

docs/model.md, "Typical costs of an integration". The answer to "How will you
send server events?" sets Meta's route (`setup`) and the other platforms'
routes unless the visitor gave them, and fills each empty cost field. These
are estimates in US dollars, except Elevar's published price, converted to
the store's currency at a dated table of rates.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, replace

from .inputs import CURRENCIES, PLATFORMS, Inputs, prefixed
from .measurement import measure_platform, platforms_of, spend_of, store_rates


@dataclass(frozen=True)
class IntegrationRoutes:
    """The routes an integration gives Meta, Google and TikTok."""

    setup: str  # Meta's
    google: str
    tiktok: str


ROUTES_OF: dict[str, IntegrationRoutes] = {
    "shopify": IntegrationRoutes("backend", "none", "backend"),
    "woocommerce": IntegrationRoutes("backend", "none", "none"),
    "gateway": IntegrationRoutes("gateway", "none", "none"),
    "sgtm_self": IntegrationRoutes("relay", "relay", "relay"),
    "sgtm_hosted": IntegrationRoutes("relay", "relay", "relay"),
    "managed": IntegrationRoutes("backend", "backend", "backend"),
    "custom": IntegrationRoutes("backend", "backend", "backend"),
}
# The rates the typical costs (priced in US dollars) are converted at: the
# European Central Bank's euro reference rates of one day, units of each
# currency per euro, exactly as published. Fixed on purpose: a typical cost is
# an estimate to a few tens of percent, and a table that moved daily would
# change the answer of a link that leaves its costs empty. Each figure is the
# ECB's historical file's (eurofxref-hist.zip) for that day, digit for digit.
RATES_DATE = "2025-02-28"  # ISO 8601
RATES_SOURCE = (
    "https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/"
)
ECB_EUR_RATES = {
    "EUR": 1.0,
    "USD": 1.0411,
    "GBP": 0.82608,
    "CAD": 1.5019,
    "AUD": 1.6741,
    "NZD": 1.8579,
    "CHF": 0.9394,
    "SEK": 11.1880,
    "NOK": 11.7245,
    "DKK": 7.4583,
    "PLN": 4.1503,
    "JPY": 156.96,
}
# Units of each currency per US dollar, by way of the euro.
USD_RATES = {code: ECB_EUR_RATES[code] / ECB_EUR_RATES["USD"] for code in CURRENCIES}


def convert(amount_usd: float, currency: str) -> float:
    """A typical cost priced in US dollars, in ``currency`` at ``USD_RATES``,
    rounded to whole units: the estimate has no cents to keep, and a whole
    figure is what a visitor would type. US dollars stay as they are.

    >>> convert(1500, "EUR"), convert(1500, "JPY"), convert(300.15, "USD")
    (1441.0, 226145.0, 300.15)
    """
    if currency == "USD":
        return float(amount_usd)
    return float(round(amount_usd * USD_RATES[currency]))


# Server-side GTM's monthly cost by monthly orders: under 2,000, under 20,000, above.
ORDER_TIERS = (2_000, 20_000)
SGTM_MONTHLY = {"sgtm_self": (50, 150, 500), "sgtm_hosted": (20, 100, 300)}
MANAGED_BASE, MANAGED_INCLUDED, MANAGED_PER_ORDER = 150, 1_000, 0.15  # Elevar's published price


def monthly_orders(inputs: Inputs) -> float:
    """M: the store's orders, or else the most true purchases any platform with
    spend claims (the same for every integration: N does not depend on routes)."""
    if inputs.orders is not None:
        return float(inputs.orders)
    rates = store_rates(inputs)
    claimed = [
        float(measure_platform(pl, rates, list(pl.recovery), pl.match_after).n)
        for pl in platforms_of(inputs)
        if not math.isnan(pl.reported)
    ]
    return max(claimed, default=0.0)


def pool_size(integration: str, inputs: Inputs) -> int:
    """k: the platforms with spend that the integration's routes serve; a
    route the visitor gave for Google or TikTok wins over the integration's."""
    routes = ROUTES_OF[integration]
    count = 0
    for platform in PLATFORMS:
        given = None if platform == "meta" else getattr(inputs, prefixed(platform, "route"))
        route = given or getattr(routes, "setup" if platform == "meta" else platform)
        count += spend_of(inputs, platform) > 0 and route != "none"
    return count


def _tier(orders: float) -> int:
    return sum(orders >= bound for bound in ORDER_TIERS)


def typical_costs(integration: str, inputs: Inputs) -> tuple[float, float]:
    """(setup_cost, monthly_cost) of ``integration`` for this store, in its
    currency: US dollars in whole cents, any other currency converted and in
    whole units.

    >>> typical_costs("managed", Inputs(orders=3000))  # 150 + 0.15 x 2,000
    (0.0, 450.0)
    >>> typical_costs("sgtm_hosted", Inputs(google_spend=5000, google_conversions=80))
    (1800.0, 20.0)
    >>> typical_costs("custom", Inputs(currency="EUR"))
    (1441.0, 96.0)
    """
    setup_cost, monthly_cost = _typical_costs_usd(integration, inputs)
    return convert(setup_cost, inputs.currency), convert(monthly_cost, inputs.currency)


def _typical_costs_usd(integration: str, inputs: Inputs) -> tuple[float, float]:
    """``typical_costs`` in US dollars, as the table of docs/model.md prices them."""
    k = pool_size(integration, inputs)
    extra = max(0, k - 1)  # each platform after the first
    if integration in ("shopify", "woocommerce"):
        return 0.0, 0.0
    if integration == "gateway":
        return 300.0, 50.0
    if integration in SGTM_MONTHLY:
        monthly = SGTM_MONTHLY[integration][_tier(monthly_orders(inputs))]
        return 1500.0 + 300.0 * extra, float(monthly)
    if integration == "managed":
        above = max(0.0, monthly_orders(inputs) - MANAGED_INCLUDED)
        return 0.0, round(MANAGED_BASE + MANAGED_PER_ORDER * above, 2)
    if integration == "custom":
        return 1500.0 + 500.0 * extra, 100.0
    raise ValueError(f"unknown integration {integration!r}")


def with_integration(inputs: Inputs, given: Collection[str]) -> Inputs:
    """``inputs`` as ``inputs.integration`` sets them: its routes for `setup`,
    `google_route` and `tiktok_route`, then its typical costs, each only where
    the key is not among the ``given`` ones."""
    if inputs.integration is None:
        return inputs
    routes = ROUTES_OF[inputs.integration]
    chosen = {"setup": routes.setup, "google_route": routes.google, "tiktok_route": routes.tiktok}
    inputs = replace(inputs, **{k: v for k, v in chosen.items() if k not in given})
    setup_cost, monthly_cost = typical_costs(inputs.integration, inputs)
    costs = {"setup_cost": setup_cost, "monthly_cost": monthly_cost}
    return replace(inputs, **{k: v for k, v in costs.items() if k not in given})
