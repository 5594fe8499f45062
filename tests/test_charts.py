"""The charts' geometry: laid out to read on a phone, the tornado with its
money axis and its labelled estimate."""

from __future__ import annotations

import pytest
from django.utils.translation import override

from calculator import charts, model


def report(**given) -> model.Report:
    return model.report(model.Inputs(**given), 2)


class TestTornado:
    def test_the_estimate_line_is_labelled_with_its_money(self):
        chart = charts.tornado_chart(report(spend=30000), "USD")
        notes = [t.text for t in chart.texts if t.css == "chart__note"]
        assert "Your estimate: $8,365" in notes
        assert any(css == "chart__marker" for *_, css in chart.lines)

    def test_the_axis_has_money_ticks_at_both_ends(self):
        result = report(spend=30000)
        chart = charts.tornado_chart(result, "USD")
        ticks = [t.text for t in chart.texts if t.css == "chart__tick"]
        ends = [v for s in result.sensitivity for v in (s.net_low, s.net_high)]
        low = min(*ends, result.results.net, 0.0)
        high = max(*ends, result.results.net, 0.0)
        assert ticks[:2] == [f"−${-low:,.0f}", f"${high:,.0f}"]

    def test_zero_is_ticked_when_there_is_room(self):
        chart = charts.tornado_chart(report(spend=30000, setup_cost=10000), "USD")
        assert "$0" in [t.text for t in chart.texts if t.css == "chart__tick"]

    def test_the_axis_follows_the_language(self):
        with override("de"):
            chart = charts.tornado_chart(report(spend=30000, currency="EUR"), "EUR")
        notes = [t.text for t in chart.texts if t.css == "chart__note"]
        assert any(note.startswith("Ihre Schätzung: 8.365") for note in notes), notes


@pytest.mark.parametrize("make", ["losses", "cashflow", "tornado"])
@pytest.mark.parametrize("language", ["en", "de"])
def test_every_text_fits_inside_the_chart_at_the_largest_size(make, language):
    """The page draws a chart's text up to MAX_FONT units on a phone: each
    text, at that size, stays within the viewBox."""
    result = report(spend=30000, consent=40, currency="EUR")
    with override(language):
        chart = {
            "losses": lambda: charts.losses_chart(charts.loss_rows(result)),
            "cashflow": lambda: charts.cashflow_chart(result.results, "EUR"),
            "tornado": lambda: charts.tornado_chart(result, "EUR"),
        }[make]()
    for text in chart.texts:
        width = charts.text_width(text.text)
        start = {"start": text.x, "end": text.x - width, "middle": text.x - width / 2}
        assert start[text.anchor] >= -0.5, text
        assert start[text.anchor] + width <= chart.width + 0.5, text
        assert charts.MAX_FONT * 0.7 <= text.y <= chart.height, text


def test_labels_sit_above_their_bars():
    chart = charts.losses_chart(charts.loss_rows(report(consent=40)))
    labels = [t for t in chart.texts if t.css == "chart__label"]
    for label, bar in zip(labels, chart.bars[::2], strict=True):
        assert label.anchor == "start"
        assert label.x == 0
        assert label.y < bar.y
