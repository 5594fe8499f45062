"""Which integration pays best, as the page's table shows it.

One row per integration of the model's cost table (model.compare_integrations),
worded and formatted for templates/calculator/_compare.html. Version 3
results only: earlier versions price one setup, not the stack.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import formatting, model
from .forms import PLATFORM_NAMES, CalculatorForm

# The integrations as the comparison names them: the cost table's own names
# (docs/model.md), short enough for a table's first column.
NAMES = {
    "shopify": gettext_lazy("Shopify's native apps"),
    "woocommerce": gettext_lazy("WooCommerce, Meta's plugin"),
    "gateway": gettext_lazy("Meta's CAPI Gateway"),
    "sgtm_self": gettext_lazy("Server-side GTM, self-hosted"),
    "sgtm_hosted": gettext_lazy("Server-side GTM, hosted"),
    "managed": gettext_lazy("Managed service (Elevar-like)"),
    "custom": gettext_lazy("Custom backend"),
}
NEEDS = {
    "shopify": gettext_lazy("Needs a Shopify store"),
    "woocommerce": gettext_lazy("Needs a WooCommerce store"),
}
# What a row's link leaves out of the page's query: the routes and costs the
# visitor gave describe the integration they chose, not the one switched to,
# whose page then shows the row's own figures.
OWN_KEYS = ("integration", "setup", "google_route", "tiktok_route", "setup_cost", "monthly_cost")


@dataclass(frozen=True)
class ComparisonRow:
    """One integration, worded: every figure already written for the page."""

    key: str
    name: str
    query: str  # the page's query switched to this integration
    platforms: str  # the platforms it covers, or that it covers none
    covers_none: bool
    setup_cost: str
    monthly_cost: str
    net: str
    payback: str
    breakeven: str
    needs: str  # why the store cannot use it; empty when it can
    best: bool
    chosen: bool


def switched_query(canonical: str, integration: str) -> str:
    """The ``canonical`` query with ``integration`` chosen instead, its own
    routes and typical costs left for the form to fill; `store` and every
    other input kept."""
    pairs = [(k, v) for k, v in parse_qsl(canonical, keep_blank_values=True) if k not in OWN_KEYS]
    at = next((i for i, (k, _v) in enumerate(pairs) if k in ("store", "v")), len(pairs))
    pairs.insert(at, ("integration", integration))
    return urlencode(pairs)


def _months(n: int) -> str:
    return ngettext("%(count)s month", "%(count)s months", n) % {"count": n}


def _payback(row: model.IntegrationResult, months: int) -> str:
    if row.setup_cost == 0 and row.monthly_cost == 0:
        return _("None needed")  # as the payback figure says it
    if row.payback_month is None:
        return _("Not within %(horizon)s") % {"horizon": _months(months)}
    return _("Month %(month)s") % {"month": row.payback_month}


@dataclass(frozen=True)
class Comparison:
    """The table: its rows and the net column's heading (the horizon)."""

    rows: list[ComparisonRow]
    net_heading: str


def comparison(report: model.Report, form: CalculatorForm) -> Comparison | None:
    """The table for a valid form's report; None before version 3."""
    if not isinstance(report.results, model.ResultsV3):
        return None
    inputs, currency = report.inputs, report.inputs.currency
    canonical = form.canonical_query()

    def cash(value: float) -> str:
        return formatting.money(value, currency, cents=False)

    rows = []
    for row in model.compare_integrations(inputs, form.cleaned_data["store"]):
        covered = ", ".join(PLATFORM_NAMES[name] for name in row.platforms)
        rows.append(
            ComparisonRow(
                key=row.integration,
                name=str(NAMES[row.integration]),
                query=switched_query(canonical, row.integration),
                platforms=covered or _("Covers none of your platforms"),
                covers_none=not row.platforms,
                setup_cost=cash(row.setup_cost),
                monthly_cost=cash(row.monthly_cost),
                net=cash(row.net),
                payback=_payback(row, inputs.months),
                breakeven=formatting.percent(row.breakeven_cpa_gain),
                needs="" if row.available else str(NEEDS[row.integration]),
                best=row.best,
                chosen=row.integration == inputs.integration,
            )
        )
    return Comparison(rows, _("Net over %(horizon)s") % {"horizon": _months(inputs.months)})
