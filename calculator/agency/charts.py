"""The dashboard's small chart: a profile's daily views, calculations and leads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

SERIES = (("views", _("Views")), ("calculations", _("Calculations")), ("leads", _("Leads")))
WIDTH, HEIGHT, PAD = 300, 80, 4


@dataclass(frozen=True)
class Day:
    day: date
    views: int
    calculations: int
    leads: int


def days(stats, today: date, count: int = 30) -> list[Day]:
    """One row per day, oldest first, zeros where nothing was counted."""
    by_day = {s.day: s for s in stats}
    rows = []
    for back in range(count - 1, -1, -1):
        day = today - timedelta(days=back)
        s = by_day.get(day)
        rows.append(Day(day, s.views if s else 0, s.calculations if s else 0, s.leads if s else 0))
    return rows


def sparkline(rows: list[Day], label: str) -> SafeString:
    """Three lines on one scale, drawn by the server; the table beside it has the figures."""
    top = max([1, *(getattr(r, key) for r in rows for key, _ in SERIES)])
    step = (WIDTH - 2 * PAD) / max(1, len(rows) - 1)

    def points(key: str) -> str:
        return " ".join(
            f"{PAD + i * step:.1f},{HEIGHT - PAD - getattr(r, key) / top * (HEIGHT - 2 * PAD):.1f}"
            for i, r in enumerate(rows)
        )

    lines = format_html_join(
        "",
        '<polyline class="spark__{}" points="{}" fill="none"></polyline>',
        ((key, points(key)) for key, _ in SERIES),
    )
    return format_html(
        '<svg class="spark" viewBox="0 0 {} {}" role="img" aria-label="{}">{}</svg>',
        WIDTH,
        HEIGHT,
        label,
        lines,
    )
