"""Geometry of the result charts, drawn by templates as inline SVG.

Each function turns model output into rectangles and labels in a fixed
viewBox; the templates only place them. No chart library, no canvas, and
every chart also has a table of the same figures for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.utils.translation import gettext, gettext_lazy, gettext_noop

from . import model
from .formatting import money, number

WIDTH = 640
LABEL_W = 170  # room for the row labels of horizontal bar charts
ROW_H = 34
BAR_H = 20


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    css: str = ""
    anchor: str = "start"


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    texts: list[Text]
    lines: list[tuple[float, float, float, float, str]]

    def svg(self, chart_id: str, title: str) -> str:
        """The chart as inline SVG markup, every text escaped.

        Built here rather than in a template: a chart has a hundred shapes,
        and string formatting is many times faster than template filters.
        """
        parts = [
            f'<svg class="chart" viewBox="0 0 {self.width} {self.height}" role="img" '
            f'aria-labelledby="{chart_id}-title" focusable="false">',
            f'<title id="{chart_id}-title">{escape(title)}</title>',
        ]
        parts += [
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" class="{css}"/>'
            for x1, y1, x2, y2, css in self.lines
        ]
        parts += [
            f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{b.width:.1f}" height="{b.height:.1f}" '
            f'rx="2" class="{b.css}"><title>{escape(b.title)}</title></rect>'
            for b in self.bars
        ]
        parts += [
            f'<text x="{t.x:.1f}" y="{t.y:.1f}" text-anchor="{t.anchor}" class="{t.css}">'
            f"{escape(t.text)}</text>"
            for t in self.texts
        ]
        parts.append("</svg>")
        return "".join(parts)


def _scale(low: float, high: float, x0: float, x1: float):
    span = (high - low) or 1.0
    return lambda value: x0 + (value - low) / span * (x1 - x0)


# Each cause of lost purchases by its one name, in the page's language.
CAUSE_LABELS = {cause: gettext_lazy(name) for cause, name in model.CAUSE_NAMES.items()}
# The model's names of its uncertain inputs (calculator/model, every version), marked
# here for translation: the model itself speaks English only.
SENSITIVITY_LABELS = (
    gettext_noop("Ad blockers"),
    gettext_noop("Safari ITP cookie expiry"),
    gettext_noop("Safari cookie expiry"),
    gettext_noop("Connectivity loss"),
    gettext_noop("iOS ATT opt-outs"),
    gettext_noop("Safari share"),
    gettext_noop("Consent refusals"),
    gettext_noop("CAPI recovery rates"),
    gettext_noop("What CAPI recovers"),
    gettext_noop("Match rate with CAPI"),
    gettext_noop("Lift per extra signal"),
    gettext_noop("True CPA improvement"),
    gettext_noop("Your CPA improvement"),
)


def sensitivity_label(swing) -> str:
    """A sensitivity row's name in the page's language: a loss cause by its
    one name, in both versions' results; the other inputs as the model names
    them."""
    cause = CAUSE_LABELS.get(swing.input)
    return gettext(swing.label) if cause is None else str(cause)


@dataclass(frozen=True)
class LossRow:
    cause: str
    label: str
    lost: float
    recoverable: float
    rate: float

    @property
    def unrecoverable(self) -> float:
        return self.lost - self.recoverable


def loss_rows(report: model.Report) -> list[LossRow]:
    """Lost purchases by cause, split by what the chosen setup can bring back;
    Meta's in version 3 (the report's recovery is Meta's route), none when the
    result has no Meta."""
    losses = getattr(report.results, "losses", None)
    if isinstance(report.results, model.ResultsV3):
        meta = report.results.platforms.get("meta")
        losses = None if meta is None else meta.losses
    if losses is None:
        return []
    rows = []
    for cause in model.CAUSES:
        lost = losses[cause]
        rate = report.recovery[cause]
        rows.append(LossRow(cause, CAUSE_LABELS[cause], lost, lost * rate, rate))
    return rows


def losses_chart(rows: list[LossRow]) -> Chart:
    top = max((row.lost for row in rows), default=0) or 1.0
    x = _scale(0, top, LABEL_W, WIDTH - 70)
    bars, texts = [], []
    for i, row in enumerate(rows):
        y = 8 + i * ROW_H
        split = x(row.recoverable)
        texts.append(Text(LABEL_W - 10, y + BAR_H * 0.72, row.label, "chart__label", "end"))
        bars.append(
            Bar(
                LABEL_W,
                y,
                split - LABEL_W,
                BAR_H,
                "bar bar--good",
                gettext("%(cause)s: %(count)s recoverable")
                % {"cause": row.label, "count": number(row.recoverable)},
            )
        )
        bars.append(
            Bar(
                split,
                y,
                x(row.lost) - split,
                BAR_H,
                "bar bar--muted",
                gettext("%(cause)s: %(count)s not recoverable")
                % {"cause": row.label, "count": number(row.unrecoverable)},
            )
        )
        texts.append(Text(x(row.lost) + 6, y + BAR_H * 0.72, number(row.lost), "chart__value"))
    return Chart(WIDTH, 8 + len(rows) * ROW_H, bars, texts, [])


TICK_GAP = 14  # px between axis labels: closer, two labels print over each other


def _ticks(low: float, high: float, y) -> list[float]:
    """The axis values to label: the lowest, the highest and zero, leaving out
    zero when it sits too close to an end for both labels to be read (the axis
    line marks it anyway)."""
    ends = list(dict.fromkeys((low, high)))
    if all(abs(y(0.0) - y(end)) >= TICK_GAP for end in ends):
        ends.append(0.0)
    return ends


def cashflow_chart(results: model.Results, currency: str) -> Chart:
    """Cumulative cash flow by month, month 0 first, with the payback month marked."""
    values = results.cumulative
    low, high = min(0.0, *values), max(0.0, *values)
    height, top_pad, bottom_pad, left = 240, 16, 34, 78
    y = _scale(high, low, top_pad, height - bottom_pad)
    slot = (WIDTH - left - 8) / len(values)
    bars, texts = [], []
    for month, value in enumerate(values):
        y0, y1 = sorted((y(0), y(value)))
        css = "bar bar--good" if value >= 0 else "bar bar--bad"
        if results.payback_month == month:
            css += " bar--payback"
        bars.append(
            Bar(
                left + month * slot + slot * 0.15,
                y0,
                slot * 0.7,
                max(y1 - y0, 1),
                css,
                gettext("Month %(month)s: %(amount)s")
                % {"month": month, "amount": money(value, currency)},
            )
        )
    step = max(1, len(values) // 12)
    for month in range(0, len(values), step):
        texts.append(
            Text(
                left + (month + 0.5) * slot,
                height - bottom_pad + 16,
                str(month),
                "chart__tick",
                "middle",
            )
        )
    texts.append(
        Text(left + (WIDTH - left) / 2, height - 2, gettext("Month"), "chart__tick", "middle")
    )
    for value in _ticks(low, high, y):
        texts.append(
            Text(left - 8, y(value) + 4, money(value, currency, cents=False), "chart__tick", "end")
        )
    lines = [(left, y(0), WIDTH - 8, y(0), "chart__axis")]
    if results.payback_month is not None:
        mx = left + (results.payback_month + 0.5) * slot
        lines.append((mx, top_pad - 6, mx, height - bottom_pad, "chart__marker"))
        anchor = "end" if mx > WIDTH * 0.7 else "start"
        texts.append(
            Text(
                mx + (-6 if anchor == "end" else 6),
                top_pad + 4,
                gettext("Pays back in month %(month)s") % {"month": results.payback_month},
                "chart__note",
                anchor,
            )
        )
    return Chart(WIDTH, height, bars, texts, lines)


def tornado_chart(report: model.Report, currency: str) -> Chart:
    """Net over the horizon at each uncertain input's low and high end."""
    swings = report.sensitivity
    base = report.results.net
    ends = [v for s in swings for v in (s.net_low, s.net_high)] + [base, 0.0]
    x = _scale(min(ends), max(ends), LABEL_W, WIDTH - 10)
    bars, texts = [], []
    for i, s in enumerate(swings):
        y = 8 + i * ROW_H
        texts.append(
            Text(LABEL_W - 10, y + BAR_H * 0.72, sensitivity_label(s), "chart__label", "end")
        )
        lo, hi = sorted((x(s.net_low), x(s.net_high)))
        if s.swing == 0:
            texts.append(
                Text(x(base) + 6, y + BAR_H * 0.72, gettext("no effect on profit"), "chart__note")
            )
            continue
        bars.append(
            Bar(
                lo,
                y,
                max(hi - lo, 1),
                BAR_H,
                "bar bar--range",
                gettext("%(input)s: net %(low)s to %(high)s")
                % {
                    "input": sensitivity_label(s),
                    "low": money(s.net_low, currency),
                    "high": money(s.net_high, currency),
                },
            )
        )
    height = 8 + len(swings) * ROW_H
    lines = [(x(base), 0, x(base), height, "chart__marker")]
    if min(ends) < 0 < max(ends):
        lines.append((x(0), 0, x(0), height, "chart__axis"))
    return Chart(WIDTH, height, bars, texts, lines)
