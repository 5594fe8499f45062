"""How the page words and draws a result: its live line, charts and data tables.

The numbers all come from the model and their words from ``summary``; this
module hands the results templates (templates/calculator/_results*.html)
the summary it is given, the charts as SVG and the rows of the tables under
them, which the templates format.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from . import charts, model
from .summary import Summary, figures_message, platform_rows


@dataclass(frozen=True)
class CauseRecovery:
    label: str
    backend: float
    relay: float


def recovery_by_cause() -> dict[str, CauseRecovery]:
    """Each loss cause by its name, with the share of it CAPI recovers from a
    backend and from a relay, as version 2 reckons: the method page explains
    version 2 until it words version 3's routes (a relay's depends on its IP
    there), so making version 3 the current one leaves it whole."""
    table = model.recovery_rates(2)
    return {
        cause: CauseRecovery(
            str(charts.CAUSE_LABELS[cause]),
            getattr(table["backend"], cause),
            getattr(table["relay"], cause),
        )
        for cause in model.CAUSES
    }


def live_line(summary: Summary) -> str:
    """The one-line result kept in view beside the form while it is edited."""
    if summary.verdict in ("free", "none") or not summary.figure:
        return summary.headline
    return _("%(headline)s · break-even %(breakeven)s, expected %(lift)s") % {
        "headline": summary.headline,
        "breakeven": summary.figure,
        "lift": summary.expected,
    }


def results_context(report: model.Report, summary: Summary) -> dict[str, object]:
    """Everything the results partials show: the report's ``summary`` (worked
    out once by the view, which shares it with the page's share tags), the
    charts and the rows of the tables."""
    currency = report.inputs.currency
    rows = charts.loss_rows(report)
    platforms = platform_rows(report)
    return {
        "platform_rows": platforms,
        "summary": summary,
        "live_line": live_line(summary),
        "figures": json.dumps(figures_message(report), allow_nan=False),
        "loss_rows": rows,
        # The model's swings with their names in the page's language.
        "sensitivity_rows": [
            (charts.sensitivity_label(swing), swing) for swing in report.sensitivity
        ],
        "lost_total": sum(row.lost for row in rows),
        "recoverable_total": sum(row.recoverable for row in rows),
        # The charts escape every text they draw (charts.Chart.svg).
        "losses_chart": ""
        if not rows
        else mark_safe(
            charts.losses_chart(rows).svg(
                "losses", _("Lost purchases by cause, recoverable and not recoverable")
            )
        ),
        "platforms_chart": mark_safe(
            charts.platforms_chart(platforms).svg(
                "platform-bars", _("Each platform's true purchases: reported today, added, unseen")
            )
        )
        if platforms
        else "",
        "cashflow_chart": mark_safe(
            charts.cashflow_chart(report.results, currency).svg(
                "cash", _("Cumulative cash flow by month")
            )
        ),
        "tornado_chart": mark_safe(
            charts.tornado_chart(report, currency).svg(
                "tornado", _("Sensitivity of net profit to each uncertain input")
            )
        ),
    }
