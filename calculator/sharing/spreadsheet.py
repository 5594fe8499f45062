"""A result as a spreadsheet a finance person can read.

Rows are labelled in words with their unit, the verdict comes first, then
the figures with their P10–P90 range, the inputs, and the monthly cash flows.
The words follow the page's language; cells hold plain numbers (no currency
sign, no thousands separator, a decimal point in every language) so that a
spreadsheet can compute with them; money is rounded to cents and percentages
to hundredths, at this display step only.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from calculator import model
from calculator.fields import unit_text
from calculator.integrations import INTEGRATIONS
from calculator.summary import platform_rows, summarise


def _money(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _pct(fraction: float | None) -> str:
    """A model ratio as a percentage cell: 0.0124 becomes '1.24'."""
    return "" if fraction is None else f"{fraction * 100:.2f}"


def _plain(value: float | int | str | None) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else model.format_number(value)


def rows(
    report: model.Report,
    labels: Mapping[str, str],
    choices: Mapping[str, Mapping[str, str]] | None = None,
    units: Mapping[str, str | None] | None = None,
) -> list[list[str]]:
    """The spreadsheet's rows; ``labels`` names each input, ``choices`` each
    choice and ``units`` each input's unit ('%', 'money', 'count', 'months',
    'weeks') as the form does."""
    choices = choices or {}
    units = units or {}
    summary = summarise(report)
    inputs, r, u = report.inputs, report.results, report.uncertainty
    c = inputs.currency
    months = inputs.months
    out: list[list[str]] = [
        [_("Server-side tracking ROI result")],
        [_("Verdict"), summary.headline],
        ["", summary.support],
        ["", summary.chance],
        [_("Currency"), c],
        [_("Model version"), str(report.model_version)],
        [],
        [_("Figure"), _("Value"), "P10", "P90"],
        [_("Break-even fall in true cost per purchase (%)"), _pct(r.breakeven_cpa_gain)],
        [
            _("Fall in true cost per purchase used (%)"),
            _pct(report.cpa_gain),
        ],
        [
            _("Where that fall comes from"),
            _("estimated from the signal") if report.cpa_gain_source == "signal" else _("entered"),
        ],
        [_("Probability that it pays (%)"), _pct(u.probability_positive)],
        [
            _("Monthly profit gain at full strength (%(currency)s)") % {"currency": c},
            _money(r.monthly_benefit),
            _money(u.monthly_benefit.p10),
            _money(u.monthly_benefit.p90),
        ],
        [
            _("Monthly profit gain after running costs (%(currency)s)") % {"currency": c},
            _money(r.net_monthly),
        ],
        [
            ngettext(
                "Total profit gain over %(months)s month (%(currency)s)",
                "Total profit gain over %(months)s months (%(currency)s)",
                months,
            )
            % {"currency": c, "months": months},
            _money(r.total_benefit),
        ],
        [
            ngettext(
                "Total cost over %(months)s month (%(currency)s)",
                "Total cost over %(months)s months (%(currency)s)",
                months,
            )
            % {"currency": c, "months": months},
            _money(r.total_cost),
        ],
        [
            ngettext(
                "Net over %(months)s month (%(currency)s)",
                "Net over %(months)s months (%(currency)s)",
                months,
            )
            % {"currency": c, "months": months},
            _money(r.net),
            _money(u.net.p10),
            _money(u.net.p90),
        ],
        [
            ngettext("ROI over %(months)s month (%%)", "ROI over %(months)s months (%%)", months)
            % {"months": months},
            _pct(r.roi),
            _pct(u.roi.p10),
            _pct(u.roi.p90),
        ],
        [
            _("NPV at %(rate)s%% a year (%(currency)s)")
            % {"currency": c, "rate": _plain(inputs.discount)},
            _money(r.npv),
        ],
        # No costs: nothing to pay back, as the page says ("None needed").
        [
            _("Payback month"),
            "" if r.payback_month is None or r.total_cost == 0 else str(r.payback_month),
        ],
        [
            _("Break-even monthly ad spend (%(currency)s)") % {"currency": c},
            _money(r.breakeven_spend),
        ],
        [_("Extra purchases a month at full strength"), f"{r.incremental_conversions:.2f}"],
    ]
    if isinstance(r, model.ResultsV2):
        out += [
            [_("More matched purchase events Meta receives (%)"), _pct(r.signal_gain)],
            [_("Estimated fall in true cost per purchase (%)"), _pct(r.estimated_cpa_gain)],
            [_("Meta-driven share of all orders (%)"), _pct(r.share_of_orders)],
        ]
        out += [[_("Warning"), text] for text in summary.warnings]
    if isinstance(r, model.ResultsV3):
        out += _platform_table(report)
    else:
        out += _measurement_table(r, c)
    out += [[], [_("Input"), _("Value")]]
    for name in model.keys_of(report.model_version):
        value = getattr(inputs, name)
        if value is None:
            continue
        unit = unit_text(units.get(name), c)
        label = f"{labels.get(name, name)} ({unit})" if unit else labels.get(name, name)
        if name == "integration" and value in INTEGRATIONS:
            value = str(INTEGRATIONS[value].label)
        elif name in choices and name != "currency":
            value = choices[name].get(value, value)
        out.append([label, _plain(value)])
    return out + _month_table(report, c)


def _platform_table(report: model.Report) -> list[list[str]]:
    """Version 3: one row per platform."""
    c = report.inputs.currency
    return [
        [],
        [
            _("Platform"),
            _("Reported purchases a month, before"),
            _("With server events"),
            _("Coverage before") + " (%)",
            _("Coverage with server events") + " (%)",
            _("Fall in true CPA counted") + " (%)",
            _("Monthly profit gain") + f" ({c})",
            _("How server events are sent"),
        ],
        *(
            [
                row.name,
                f"{row.reported_before:.2f}",
                f"{row.reported_after:.2f}",
                _pct(row.coverage_before),
                _pct(row.coverage_after),
                _pct(row.cpa_gain),
                _money(row.monthly_benefit),
                row.route,
            ]
            for row in platform_rows(report)
        ),
    ]


def _measurement_table(r: model.Results, c: str) -> list[list[str]]:
    """Versions 1 and 2: what Ads Manager reports, without and with CAPI."""
    return [
        [],
        [
            _("What Ads Manager reports (measurement, not revenue)"),
            _("Pixel only"),
            _("Pixel + CAPI"),
        ],
        [
            _("Reported purchases a month"),
            f"{r.reported_before:.2f}",
            f"{r.reported_after:.2f}",
        ],
        [
            _("True purchases from Meta ads a month, before any lift"),
            f"{r.true_conversions:.2f}",
            f"{r.true_conversions:.2f}",
        ],
        [
            _("Purchases Meta does not report (%)"),
            _pct(r.discrepancy_before),
            _pct(r.discrepancy_after),
        ],
        [
            _("Reported cost per purchase (%(currency)s)") % {"currency": c},
            _money(r.reported_cpa_before),
            _money(r.reported_cpa_after),
        ],
        [
            _("True cost per purchase (%(currency)s)") % {"currency": c},
            _money(r.true_cpa_before),
            _money(r.true_cpa_after),
        ],
    ]


def _month_table(report: model.Report, c: str) -> list[list[str]]:
    """The cash flows month by month."""
    out = [
        [],
        [
            _("Month"),
            _("Lift reached (%)"),
            _("Profit gain (%(currency)s)") % {"currency": c},
            _("Setup cost (%(currency)s)") % {"currency": c},
            _("Running cost (%(currency)s)") % {"currency": c},
            _("Cash flow (%(currency)s)") % {"currency": c},
            _("Cumulative (%(currency)s)") % {"currency": c},
            _("Present value (%(currency)s)") % {"currency": c},
        ],
    ]
    for month in report.months:
        out.append(
            [
                str(month.month),
                _pct(month.lift_weight),
                _money(month.profit_gain),
                _money(month.setup_cost),
                _money(month.running_cost),
                _money(month.cash_flow),
                _money(month.cumulative),
                _money(month.discounted),
            ]
        )
    return out
