"""A result as a spreadsheet a finance person can read.

Rows are labelled in words with their unit, the verdict comes first, then
the figures with their P10–P90 range, the inputs, and the monthly cash flows.
Cells hold plain numbers (no currency sign, no thousands separator) so that a
spreadsheet can compute with them; money is rounded to cents and percentages
to hundredths, at this display step only.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import roi
from .integrations import INTEGRATIONS
from .summary import summarise


def _money(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _pct(fraction: float | None) -> str:
    """A model ratio as a percentage cell: 0.0124 becomes '1.24'."""
    return "" if fraction is None else f"{fraction * 100:.2f}"


def _plain(value: float | int | str | None) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else roi.format_number(value)


# Units of the inputs, for their row labels.
UNITS = {
    "spend": "money",
    "aov": "money",
    "setup_cost": "money",
    "monthly_cost": "money",
    "ramp": "months",
    "months": "months",
}
TEXT_INPUTS = ("currency", "integration", "setup", "mode")


def rows(
    report: roi.Report,
    labels: Mapping[str, str],
    choices: Mapping[str, Mapping[str, str]] | None = None,
) -> list[list[str]]:
    """The spreadsheet's rows; ``labels`` names each input and ``choices`` each
    choice as the form does."""
    choices = choices or {}
    summary = summarise(report)
    inputs, r, u = report.inputs, report.results, report.uncertainty
    c = inputs.currency
    months = inputs.months
    out: list[list[str]] = [
        ["CAPI ROI calculator result"],
        ["Verdict", summary.headline],
        ["", summary.judgement],
        ["", summary.chance],
        ["Currency", c],
        ["Model version", str(report.model_version)],
        [],
        ["Figure", "Value", "P10", "P90"],
        ["Break-even fall in true cost per purchase (%)", _pct(r.breakeven_cpa_gain)],
        [
            "Fall in true cost per purchase used (%)",
            _pct(report.cpa_gain),
        ],
        [
            "Where that fall comes from",
            "estimated from the signal" if report.cpa_gain_source == "signal" else "entered",
        ],
        ["Probability that it pays (%)", _pct(u.probability_positive)],
        [
            f"Monthly profit gain at full strength ({c})",
            _money(r.monthly_benefit),
            _money(u.monthly_benefit.p10),
            _money(u.monthly_benefit.p90),
        ],
        [f"Monthly profit gain after running costs ({c})", _money(r.net_monthly)],
        [f"Total profit gain over {months} months ({c})", _money(r.total_benefit)],
        [f"Total cost over {months} months ({c})", _money(r.total_cost)],
        [
            f"Net over {months} months ({c})",
            _money(r.net),
            _money(u.net.p10),
            _money(u.net.p90),
        ],
        [f"ROI over {months} months (%)", _pct(r.roi), _pct(u.roi.p10), _pct(u.roi.p90)],
        [f"NPV at {_plain(inputs.discount)}% a year ({c})", _money(r.npv)],
        ["Payback month", "" if r.payback_month is None else str(r.payback_month)],
        [f"Break-even monthly ad spend ({c})", _money(r.breakeven_spend)],
        ["Extra purchases a month at full strength", f"{r.incremental_conversions:.2f}"],
    ]
    if isinstance(r, roi.ResultsV2):
        out += [
            ["More matched purchase events Meta receives (%)", _pct(r.signal_gain)],
            ["Estimated fall in true cost per purchase (%)", _pct(r.estimated_cpa_gain)],
            ["Meta-driven share of all orders (%)", _pct(r.share_of_orders)],
        ]
        out += [["Warning", text] for text in summary.warnings]
    out += [
        [],
        ["What Ads Manager reports (measurement, not revenue)", "Pixel only", "Pixel + CAPI"],
        ["Reported purchases a month", f"{r.reported_before:.2f}", f"{r.reported_after:.2f}"],
        [
            "True purchases from Meta ads a month, before any lift",
            f"{r.true_conversions:.2f}",
            f"{r.true_conversions:.2f}",
        ],
        [
            "Purchases Meta does not report (%)",
            _pct(r.discrepancy_before),
            _pct(r.discrepancy_after),
        ],
        [
            f"Reported cost per purchase ({c})",
            _money(r.reported_cpa_before),
            _money(r.reported_cpa_after),
        ],
        [f"True cost per purchase ({c})", _money(r.true_cpa_before), _money(r.true_cpa_after)],
        [],
        ["Input", "Value"],
    ]
    for name in roi.keys_of(report.model_version):
        value = getattr(inputs, name)
        if value is None:
            continue
        unit = UNITS.get(name, "%" if name not in TEXT_INPUTS else "")
        unit = c if unit == "money" else unit
        label = f"{labels.get(name, name)} ({unit})" if unit else labels.get(name, name)
        if name == "integration":
            value = INTEGRATIONS[value].label
        elif name in choices and name != "currency":
            value = choices[name].get(value, value)
        out.append([label, _plain(value)])
    out += [
        [],
        [
            "Month",
            "Lift reached (%)",
            f"Profit gain ({c})",
            f"Setup cost ({c})",
            f"Running cost ({c})",
            f"Cash flow ({c})",
            f"Cumulative ({c})",
            f"Present value ({c})",
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
