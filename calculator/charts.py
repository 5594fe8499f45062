"""Geometry of the result charts, drawn by templates as inline SVG.

Each function turns model output into rectangles and labels in a fixed
viewBox, laid out to read on a phone (labels above their bars, room for
large text); the templates only place them. No chart library, no canvas, and
every chart also has a table of the same figures for screen readers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from django.utils.translation import gettext, gettext_lazy, gettext_noop

from . import model
from .formatting import money, number

WIDTH = 640
# The page's stylesheet sets a chart's text size by the width the chart gets
# (site.css, container queries), so that it reads at no less than 11 CSS px:
# 13 units wide, up to 27 where a phone shrinks the chart to under half its
# size. The geometry leaves room for the largest, and estimates a text's width
# from it.
MAX_FONT = 27
CHAR_W = 0.6  # a character's width, in ems: wide enough for digits and most words
ROW_H = 56  # a row of a bar chart: its label above, then its bar
LABEL_BASE = 24  # the label's baseline, from the row's top
BAR_TOP, BAR_H = 30, 20
AXIS_H = 40  # the tornado's money axis below its rows


def text_width(text: str) -> float:
    """How wide ``text`` may be drawn, in the chart's units, at the largest size."""
    return len(text) * MAX_FONT * CHAR_W


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
            # The box is what the stylesheet sizes the chart's text by.
            '<div class="chart-box">'
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
        parts.append("</svg></div>")
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
    gettext_noop("What server events recover"),
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
    if cause is not None:
        return str(cause)
    platform, base = _platform_input(swing.input)
    if platform is not None and swing.label.endswith(")"):
        return gettext("%(input)s (%(platform)s)") % {
            "input": str(PLATFORM_INPUT_LABELS[base]),
            "platform": model.PLATFORM_NAMES[platform],
        }
    return gettext(swing.label)


# Version 3's per-platform inputs, named for any platform: "(Meta)" follows.
PLATFORM_INPUT_LABELS = {
    "match_after": gettext_lazy("Match rate with server events"),
    "lift_share": gettext_lazy("Share of the study's lift"),
    "cpa_gain": gettext_lazy("Your CPA improvement"),
}


def _platform_input(key: str) -> tuple[str | None, str]:
    """('google', 'match_after') for 'google_match_after'; Meta's keys are bare."""
    for platform in ("google", "tiktok"):
        if key.startswith(f"{platform}_"):
            return platform, key.removeprefix(f"{platform}_")
    return ("meta", key) if key in PLATFORM_INPUT_LABELS else (None, key)


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
    """Lost purchases by cause: each cause's name above its bar, the count after it."""
    top = max((row.lost for row in rows), default=0) or 1.0
    values = [number(row.lost) for row in rows]
    room = max((text_width(v) for v in values), default=0) + 10
    x = _scale(0, top, 0, WIDTH - room)
    bars, texts = [], []
    for i, (row, value) in enumerate(zip(rows, values, strict=True)):
        y = i * ROW_H
        split = x(row.recoverable)
        texts.append(Text(0, y + LABEL_BASE, row.label, "chart__label"))
        bars.append(
            Bar(
                0,
                y + BAR_TOP,
                split,
                BAR_H,
                "bar bar--good",
                gettext("%(cause)s: %(count)s recoverable")
                % {"cause": row.label, "count": number(row.recoverable)},
            )
        )
        bars.append(
            Bar(
                split,
                y + BAR_TOP,
                x(row.lost) - split,
                BAR_H,
                "bar bar--muted",
                gettext("%(cause)s: %(count)s not recoverable")
                % {"cause": row.label, "count": number(row.unrecoverable)},
            )
        )
        texts.append(Text(x(row.lost) + 8, y + BAR_TOP + BAR_H - 3, value, "chart__value"))
    return Chart(WIDTH, len(rows) * ROW_H + 4, bars, texts, [])


def platforms_chart(rows) -> Chart:
    """Each platform's true purchases as one bar: what it reports today, what
    server events add to its reports, and what it still does not see."""
    top = max((row.true_purchases for row in rows), default=0) or 1.0
    values = [number(row.true_purchases) for row in rows]
    room = max((text_width(v) for v in values), default=0) + 10
    x = _scale(0, top, 0, WIDTH - room)
    bars, texts = [], []
    for i, (row, value) in enumerate(zip(rows, values, strict=True)):
        y = i * ROW_H
        before, after = x(row.reported_before), x(row.reported_after)
        texts.append(Text(0, y + LABEL_BASE, row.name, "chart__label"))
        parts = (
            (0, before, "bar bar--accent", gettext("%(platform)s: %(count)s reported today")),
            (
                before,
                after,
                "bar bar--good",
                gettext("%(platform)s: %(count)s more reported with server events"),
            ),
            (
                after,
                x(row.true_purchases),
                "bar bar--muted",
                gettext("%(platform)s: %(count)s still unseen"),
            ),
        )
        counts = (
            row.reported_before,
            row.reported_after - row.reported_before,
            row.true_purchases - row.reported_after,
        )
        for (start, end, css, words), count in zip(parts, counts, strict=True):
            bars.append(
                Bar(
                    start,
                    y + BAR_TOP,
                    max(0.0, end - start),
                    BAR_H,
                    css,
                    words % {"platform": row.name, "count": number(count)},
                )
            )
        texts.append(
            Text(x(row.true_purchases) + 8, y + BAR_TOP + BAR_H - 3, value, "chart__value")
        )
    return Chart(WIDTH, len(rows) * ROW_H + 4, bars, texts, [])


TICK_GAP = MAX_FONT + 8  # between axis labels: closer, two labels print over each other


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
    height, top_pad, bottom_pad = 320, MAX_FONT + 14, 2 * MAX_FONT + 14
    y = _scale(high, low, top_pad, height - bottom_pad)
    shown = [money(value, currency, cents=False) for value in _ticks(low, high, y)]
    left = max(text_width(label) for label in shown) + 8
    slot = (WIDTH - left - 8) / len(values)
    bars, texts = [], []
    for month, value in enumerate(values):
        y0, y1 = sorted((y(0), y(value)))
        css = "bar bar--good" if value >= 0 else "bar bar--bad"
        if results.payback_month == month and results.total_cost > 0:
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
    # A month's number every so many bars, at least a two-digit number apart.
    step = max(1, len(values) // 12, math.ceil(text_width("00") * 1.4 / slot))
    for month in range(0, len(values), step):
        texts.append(
            Text(
                left + (month + 0.5) * slot,
                height - bottom_pad + MAX_FONT,
                str(month),
                "chart__tick",
                "middle",
            )
        )
    texts.append(
        Text(left + (WIDTH - left) / 2, height - 6, gettext("Month"), "chart__tick", "middle")
    )
    for value, label in zip(_ticks(low, high, y), shown, strict=True):
        texts.append(Text(left - 8, y(value) + MAX_FONT * 0.35, label, "chart__tick", "end"))
    lines = [(left, y(0), WIDTH - 8, y(0), "chart__axis")]
    # Nothing to pay back with no costs: the page says "None needed", and so does the chart.
    if results.payback_month is not None and results.total_cost > 0:
        mx = left + (results.payback_month + 0.5) * slot
        lines.append((mx, top_pad - 6, mx, height - bottom_pad, "chart__marker"))
        note = gettext("Pays back in month %(month)s") % {"month": results.payback_month}
        texts.append(_label_at(mx, top_pad - 12, note, "chart__note"))
    return Chart(WIDTH, height, bars, texts, lines)


def _label_at(x: float, y: float, text: str, css: str) -> Text:
    """``text`` beside the point x, on whichever side has room for it, or
    centred on it when neither has."""
    width = text_width(text)
    if x + 6 + width <= WIDTH:
        return Text(x + 6, y, text, css)
    if x - 6 - width >= 0:
        return Text(x - 6, y, text, css, "end")
    return Text(min(max(x, width / 2), WIDTH - width / 2), y, text, css, "middle")


def _money_ticks(low: float, high: float, x, currency: str) -> list[tuple[float, str, str]]:
    """The tornado's axis: its two ends and zero between them, each where its
    label has room (an end's label reaches inwards from its end)."""
    ticks = [
        (low, money(low, currency, cents=False), "start"),
        (high, money(high, currency, cents=False), "end"),
    ]
    if low < 0 < high:
        zero = money(0, currency, cents=False)
        half = text_width(zero) / 2 + 12
        if x(0) - half >= x(low) + text_width(ticks[0][1]) and x(0) + half <= x(high) - (
            text_width(ticks[1][1])
        ):
            ticks.append((0.0, zero, "middle"))
    return ticks


def tornado_chart(report: model.Report, currency: str) -> Chart:
    """Net over the horizon at each uncertain input's low and high end: each
    input's name above its bar, a money axis below, the estimate a labelled line."""
    swings = report.sensitivity
    base = report.results.net
    ends = [v for s in swings for v in (s.net_low, s.net_high)] + [base, 0.0]
    low, high = min(ends), max(ends)
    x = _scale(low, high, 1, WIDTH - 1)
    top = MAX_FONT + 12  # the estimate's label
    bars, texts = [], []
    estimate = gettext("Your estimate: %(amount)s") % {"amount": money(base, currency, cents=False)}
    texts.append(_label_at(x(base), MAX_FONT, estimate, "chart__note"))
    for i, s in enumerate(swings):
        y = top + i * ROW_H
        texts.append(Text(0, y + LABEL_BASE, sensitivity_label(s), "chart__label"))
        lo, hi = sorted((x(s.net_low), x(s.net_high)))
        if s.swing == 0:
            texts.append(
                _label_at(
                    x(base), y + BAR_TOP + BAR_H - 3, gettext("no effect on profit"), "chart__note"
                )
            )
            continue
        bars.append(
            Bar(
                lo,
                y + BAR_TOP,
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
    axis = top + len(swings) * ROW_H + 6
    height = axis + AXIS_H
    lines = [
        (x(base), MAX_FONT + 6, x(base), axis, "chart__marker"),
        (x(low), axis, x(high), axis, "chart__axis"),
    ]
    for value, label, anchor in _money_ticks(low, high, x, currency):
        lines.append((x(value), axis, x(value), axis + 6, "chart__axis"))
        texts.append(Text(x(value), axis + 6 + MAX_FONT, label, "chart__tick", anchor))
    if low < 0 < high:
        lines.append((x(0), top, x(0), axis, "chart__axis"))
    return Chart(WIDTH, height, bars, texts, lines)
