"""Display formatting: rounding happens here, and never hides a sign or a non-zero."""

from __future__ import annotations

from calculator import formatting


class TestMoney:
    def test_symbols_and_grouping(self):
        assert formatting.money(1234567, "USD") == "$1,234,567"
        assert formatting.money(984.4, "EUR") == "€984"
        assert formatting.money(12.5, "GBP") == "£12.50"
        assert formatting.money(-2700, "SEK") == "−2,700 kr"
        assert formatting.money(50, "CAD") == "CA$50.00"

    def test_undefined_is_a_dash(self):
        assert formatting.money(None) == "—"


class TestPercent:
    def test_digits_follow_size(self):
        assert formatting.percent(0.0124) == "1.24%"
        assert formatting.percent(0.316) == "31.6%"
        assert formatting.percent(3.19) == "319%"

    def test_a_tiny_figure_is_not_shown_as_zero(self):
        assert formatting.percent(4.6e-8) == "under 0.01%"
        # The sign belongs to the bound, not to the word: a tiny loss lies
        # between −0.01% and zero.
        assert formatting.percent(-4.6e-8) == "above −0.01%"
        assert formatting.percent(-4.6e-5, 1) == "above −0.1%"
        assert formatting.percent(0) == "0%"


class TestChance:
    def test_it_never_overstates(self):
        assert formatting.chance(0.9996) == "over 99%"
        assert formatting.chance(1.0) == "100%"
        assert formatting.chance(0.004) == "under 1%"
        assert formatting.chance(0.5) == "50%"

    def test_the_bounds_themselves_are_plain_figures(self):
        assert formatting.chance(0.99) == "99%"
        assert formatting.chance(0.01) == "1%"
        assert formatting.chance(0.0) == "0%"
