"""How the server events reach Meta, and what that typically costs.

The answer to "How will you send server events?" sets the model's `setup`
(what CAPI can recover) and fills the setup and running costs with typical
figures, each with its source. A cost the visitor types always wins: the
form uses a typical cost only where the cost field is empty.

The typical costs are priced in US dollars and converted to the visitor's
currency at the model's dated rates (``model.costs.convert``). They are part
of a result's identity only through its link, which names every cost, so a
later change to this table (or to the rates) never changes what an existing
link shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import model


@dataclass(frozen=True)
class Integration:
    key: str
    label: str
    short: str  # for a one-line list of inputs
    setup: str  # the model's `setup`: "backend" or "relay"
    setup_cost: float
    monthly_cost: float
    source: str  # where the typical costs come from, in a sentence


INTEGRATIONS: dict[str, Integration] = {
    item.key: item
    for item in (
        Integration(
            "shopify",
            _("Shopify's native integration (Facebook & Instagram app)"),
            _("Shopify native"),
            "backend",
            0,
            0,
            _("Shopify's native Conversions API is free; it sends orders from the store."),
        ),
        Integration(
            "woocommerce",
            _("WooCommerce's native integration (Meta's official plugin)"),
            _("WooCommerce native"),
            "backend",
            0,
            0,
            _("Meta's official WooCommerce plugin is free; it sends orders from the store."),
        ),
        Integration(
            "gateway",
            _("Meta's Conversions API Gateway"),
            _("CAPI Gateway"),
            "relay",
            300,
            50,
            _(
                "An estimate: the Gateway runs in your own cloud account or at a host that "
                "charges per pixel, and takes a few hours to set up. Meta says it is not "
                "meant to improve performance."
            ),
        ),
        Integration(
            "sgtm_self",
            _("Server-side GTM, self-hosted (Google Cloud)"),
            _("server-side GTM, self-hosted"),
            "relay",
            1500,
            50,
            _(
                "Server-side GTM on Cloud Run costs $20–80 a month for most mid-size sites "
                "(taggingdocs); setup is an agency's or developer's implementation."
            ),
        ),
        Integration(
            "sgtm_hosted",
            _("Server-side GTM, hosted (e.g. Stape)"),
            _("server-side GTM, hosted"),
            "relay",
            1500,
            20,
            _(
                "Hosted server-side GTM has free and low-cost tiers priced by requests "
                "(Stape); setup is an agency's or developer's implementation."
            ),
        ),
        Integration(
            "custom",
            _("Custom backend (orders sent from your store or CRM)"),
            _("custom backend"),
            "backend",
            1500,
            100,
            _(
                "The calculator's defaults: developer time to send orders with hashed customer "
                "data, then hosting and upkeep. Elevar's managed service costs $150 a month up "
                "to 1,000 orders."
            ),
        ),
    )
}

assert tuple(INTEGRATIONS) == model.INTEGRATIONS


def typical_cost(integration: str | None, name: str, currency: str = "USD") -> float:
    """The cost ``name`` (setup_cost or monthly_cost) for ``integration``, in
    ``currency`` (converted and rounded to whole units unless USD); the model's
    default, unconverted, when none is chosen: that is a version 1 link's
    cost, which must not change."""
    if integration is None:
        return float(getattr(model.DEFAULTS, name))
    return model.costs.convert(getattr(INTEGRATIONS[integration], name), currency)


def label(integration: str | None) -> str:
    return "" if integration is None else str(INTEGRATIONS[integration].label)
