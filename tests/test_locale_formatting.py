"""Figures as each language writes them: CLDR's patterns through Babel.

English keeps its own rules (tests/test_formatting.py holds them unchanged);
German, French and Spanish are checked here against hand-written examples.
"""

from __future__ import annotations

import csv
import io

import pytest
from babel.numbers import format_currency, format_decimal, format_percent
from django.utils.translation import override
from hypothesis import given
from hypothesis import strategies as st
from PIL import ImageFont

from calculator import charts, formatting, model
from calculator.sharing import card, spreadsheet
from calculator.summary import summarise

NBSP, NNBSP = "\u00a0", "\u202f"


def in_language(language: str, func, *args, **kwargs) -> str:
    with override(language):
        return func(*args, **kwargs)


class TestMoney:
    @pytest.mark.parametrize(
        ("language", "value", "currency", "expected"),
        [
            ("de", 20000, "EUR", f"20.000{NBSP}€"),
            ("fr", 20000, "EUR", f"20{NNBSP}000{NBSP}€"),
            ("es", 20000, "EUR", f"20.000{NBSP}€"),
            ("de", 1234567, "USD", f"1.234.567{NBSP}$"),
            ("fr", 1234567, "USD", f"1{NNBSP}234{NNBSP}567{NBSP}$US"),
            ("es", 1234567, "USD", f"1.234.567{NBSP}US$"),
            ("de", 12.5, "GBP", f"12,50{NBSP}£"),
            ("fr", 12.5, "GBP", f"12,50{NBSP}£GB"),
            ("es", 12.5, "GBP", f"12,50{NBSP}GBP"),
            ("de", 984.4, "EUR", f"984{NBSP}€"),
            ("de", 1234.5, "JPY", f"1.234{NBSP}¥"),  # yen have no cents; half to even
        ],
    )
    def test_cldr_patterns(self, language, value, currency, expected):
        assert in_language(language, formatting.money, value, currency) == expected

    @pytest.mark.parametrize(
        ("language", "expected"),
        [("de", f"−2.700{NBSP}€"), ("fr", f"−2{NNBSP}700{NBSP}€"), ("es", f"−2.700{NBSP}€")],
    )
    def test_a_loss_has_the_true_minus_sign(self, language, expected):
        # CLDR's is the hyphen-minus in these languages: "-2.700 €" read as a dash.
        assert in_language(language, formatting.money, -2700, "EUR") == expected

    def test_a_loss_that_rounds_to_nothing_has_no_sign(self):
        assert in_language("de", formatting.money, -0.004, "EUR") == f"0,00{NBSP}€"
        assert in_language("de", formatting.money, -0.4, "EUR", cents=False) == f"0{NBSP}€"

    def test_every_currency_the_form_offers_has_a_symbol_or_code(self):
        for language in ("de", "fr", "es"):
            for currency in model.CURRENCIES:
                text = in_language(language, formatting.money, 20000, currency)
                assert text.startswith("20"), text
                assert text != "—", text
                assert len(text) > len("20.000"), text

    def test_headline_amounts_use_cldrs_short_forms(self):
        assert in_language("de", formatting.money_short, 58448814064, "EUR") == (
            f"58,4{NBSP}Mrd.{NBSP}€"
        )
        assert in_language("fr", formatting.money_short, 1.2e6, "EUR") == f"1,2{NBSP}M{NBSP}€"
        assert in_language("es", formatting.money_short, -1.2e6, "EUR") == f"−1,2{NBSP}M{NBSP}€"
        # Under a million, the whole amount.
        assert in_language("de", formatting.money_short, 999000, "EUR") == f"999.000{NBSP}€"

    def test_a_huge_figure_is_written_in_full(self):
        # Beyond the 28 digits of Python's default decimal context.
        text = in_language("de", formatting.money, -1e30, "EUR")
        assert text == "−1" + ".000" * 10 + f"{NBSP}€"
        assert in_language("fr", formatting.percent, 1e25).endswith(f"000{NBSP}%")

    def test_rounding_happens_only_at_display(self):
        # 1234.565 is not rounded on its way in: two cents' digits, then the unit.
        assert in_language("de", formatting.money, 99.995, "EUR") == f"100,00{NBSP}€"
        assert in_language("de", formatting.money, 1234.5678, "EUR") == f"1.235{NBSP}€"


class TestPercentAndNumbers:
    @pytest.mark.parametrize(
        ("language", "fraction", "expected"),
        [
            ("de", 0.0124, f"1,24{NBSP}%"),
            ("de", 0.316, f"31,6{NBSP}%"),
            ("de", 3.19, f"319{NBSP}%"),
            ("fr", 0.316, f"31,6{NBSP}%"),
            ("es", 0.316, f"31,6{NBSP}%"),
            ("de", -0.05, f"−5{NBSP}%"),
            ("fr", 12.5, f"1{NNBSP}250{NBSP}%"),
            ("de", 0, f"0{NBSP}%"),
        ],
    )
    def test_percentages(self, language, fraction, expected):
        assert in_language(language, formatting.percent, fraction) == expected

    @pytest.mark.parametrize(
        ("language", "under", "above"),
        [
            ("en", "under 0.01%", "above −0.01%"),
            ("de", f"unter 0,01{NBSP}%", f"über −0,01{NBSP}%"),
            ("fr", f"moins de 0,01{NBSP}%", f"au-dessus de −0,01{NBSP}%"),
            ("es", f"menos del 0,01{NBSP}%", f"por encima del −0,01{NBSP}%"),
        ],
    )
    def test_a_tiny_percentage_is_not_shown_as_zero(self, language, under, above):
        assert in_language(language, formatting.percent, 4.6e-8) == under
        assert in_language(language, formatting.percent, -4.6e-8) == above

    @pytest.mark.parametrize(
        ("language", "under", "over"),
        [
            ("en", "under 1%", "over 99%"),
            ("de", f"unter 1{NBSP}%", f"über 99{NBSP}%"),
            ("fr", f"moins de 1{NBSP}%", f"plus de 99{NBSP}%"),
            ("es", f"menos del 1{NBSP}%", f"más del 99{NBSP}%"),
        ],
    )
    @pytest.mark.parametrize("margin", [1e-9, 0.0003, 0.004, 0.0099])
    def test_chances_never_overstate(self, language, under, over, margin):
        """Strictly inside (0, 1%) and (99%, 100%), in the language's own words."""
        assert in_language(language, formatting.chance, margin) == under
        assert in_language(language, formatting.chance, 1 - margin) == over

    @pytest.mark.parametrize(
        ("language", "under", "over"),
        [
            (
                "en",
                "It pays within 12 months in under 1% of 10,000 scenarios, under the assumed "
                "ranges.",
                "It pays within 12 months in over 99% of 10,000 scenarios, under the assumed "
                "ranges.",
            ),
            (
                "de",
                f"Über 12 Monate gerechnet lohnt es sich in weniger als 1{NBSP}% der 10.000 "
                "Szenarien, unter den angenommenen Spannen.",
                f"Über 12 Monate gerechnet lohnt es sich in mehr als 99{NBSP}% der 10.000 "
                "Szenarien, unter den angenommenen Spannen.",
            ),
            (
                "fr",
                f"C’est rentable en 12 mois dans moins de 1{NBSP}% des 10{NNBSP}000 "
                "scénarios, selon les fourchettes supposées.",
                f"C’est rentable en 12 mois dans plus de 99{NBSP}% des 10{NNBSP}000 "
                "scénarios, selon les fourchettes supposées.",
            ),
            (
                "es",
                f"Es rentable en 12 meses en menos del 1{NBSP}% de los 10.000 escenarios, "
                "con los rangos supuestos.",
                f"Es rentable en 12 meses en más del 99{NBSP}% de los 10.000 escenarios, "
                "con los rangos supuestos.",
            ),
        ],
    )
    def test_the_chance_sentence_words_a_bounded_share_in_each_language(
        self, language, under, over
    ):
        rarely = model.report(model.Inputs(cpa_gain=0.61), 2)  # pays in 3 of 10,000 draws
        nearly_always = model.report(model.Inputs(cpa_gain=30), 1)  # in 9,988 of them
        assert 0 < rarely.uncertainty.probability_positive < 0.01
        assert 0.99 < nearly_always.uncertainty.probability_positive < 1
        assert in_language(language, lambda: summarise(rarely).chance) == under
        assert in_language(language, lambda: summarise(nearly_always).chance) == over

    @pytest.mark.django_db
    @pytest.mark.parametrize(
        ("language", "bound"),
        [("de", "in weniger als 1"), ("fr", "dans moins de 1"), ("es", "en menos del 1")],
    )
    def test_no_english_bound_reaches_another_language_page(self, client, language, bound):
        """The page once read '… lohnt es sich in under 1 % der …' on /de/."""
        page = client.get(f"/{language}/?cpa_gain=0.61").content.decode()
        assert f"{bound}{NBSP}%" in page
        for english in ("under 1", "over 99", "under 0", "above"):
            assert english not in page, english

    def test_numbers_counts_ratios_and_rates(self):
        assert in_language("de", formatting.number, 1234567.891) == "1.234.568"
        assert in_language("fr", formatting.number, -1234.56, 1) == f"−1{NNBSP}234,6"
        assert in_language("es", formatting.count, 1965.2) == "1.965"
        assert in_language("de", formatting.count, 2.34) == "2,3"
        assert in_language("de", formatting.ratio, 1.6) == "1,60×"
        assert in_language("fr", formatting.rate, 12.5) == f"12,5{NBSP}%"
        assert in_language("de", formatting.rate, 0.0001) == f"0,0001{NBSP}%"

    def test_an_undefined_figure_is_a_dash_in_every_language(self):
        for language in ("de", "fr", "es"):
            assert in_language(language, formatting.money, None) == "—"
            assert in_language(language, formatting.percent, float("nan")) == "—"
            assert in_language(language, formatting.ratio, float("inf")) == "—"

    def test_an_unknown_or_regional_language_code(self):
        assert formatting.cldr_locale("de-at").territory == "DE"
        assert formatting.cldr_locale("en-gb") is None
        assert formatting.cldr_locale("xx") is None
        assert formatting.cldr_locale(None) is None


class TestSurfaces:
    def test_the_summary_writes_the_languages_figures(self):
        report = model.report(model.Inputs(spend=20000, currency="EUR"))
        english = summarise(report)
        with override("de"):
            german = summarise(report)
        assert english.spend == "€20,000"
        assert german.spend == f"20.000{NBSP}€"
        assert german.get("monthly_benefit").value.endswith(f"{NBSP}€")

    def test_chart_labels_follow_the_language(self):
        report = model.report(model.Inputs(spend=200000, conversions=40000, currency="EUR"))
        rows = charts.loss_rows(report)
        with override("de"):
            losses = charts.losses_chart(rows).svg("l", "Losses")
            cash = charts.cashflow_chart(report.results, "EUR").svg("c", "Cash")
        biggest = max(rows, key=lambda row: row.lost).lost
        assert f">{round(biggest):,}<".replace(",", ".") in losses
        assert f"{NBSP}€</text>" in cash
        english = charts.losses_chart(rows).svg("l", "Losses")
        assert f">{round(biggest):,}<" in english

    def test_the_csv_stays_machine_readable_in_german(self):
        report = model.report(model.Inputs(spend=123456.78, conversions=1234, currency="EUR"))
        with override("de"):
            table = spreadsheet.rows(report, {})
        text = io.StringIO()
        csv.writer(text).writerows(table)
        flows = table[-len(report.months) :]
        for row in flows:
            for cell in row:
                float(cell)  # '1234.56', never '1.234,56'
        spend_row = next(row for row in table if row and row[0].startswith("spend"))
        assert spend_row[1] == "123456.78"
        assert "123.456" not in text.getvalue().split("Eingabe,Wert")[1]

    def test_the_csv_download_on_a_german_request(self, client):
        # German pages, and their CSV, live under /de/ (calculator/locale.py).
        response = client.get("/de/export.csv?spend=123456.78&currency=EUR&months=24")
        table = list(csv.reader(io.StringIO(response.content.decode())))
        assert NBSP in table[1][1]  # the verdict's words carry German figures...
        figures = table[table.index(["Kennzahl", "Wert", "P10", "P90"]) + 1 :]
        net = next(row for row in figures if row[0].startswith("Netto über"))
        assert all(float(cell) == float(cell) for cell in net[1:])  # ...the cells do not
        assert ["spend (EUR)", "123456.78"] in table or any(
            row[1:] == ["123456.78"] for row in table if row
        )


def _glyph(face: ImageFont.FreeTypeFont, char: str) -> tuple:
    mask = face.getmask(char)
    return mask.size, bytes(mask), face.getlength(char)


class TestCardGlyphs:
    """The card's font draws every character the four languages' figures and
    words need; a missing one would be drawn as the font's empty box."""

    WORDS = "äöüßÄÖÜéèàçñÉÈÀÇÑíóúÍÓÚâêîôûœ«»‘’“”„¿¡"
    SIGNS = "€£¥$%×−-–—·…"
    SPACES = "\u00a0\u202f"

    def figures(self) -> str:
        """Every character of real figures, in every language and currency."""
        chars = set()
        for language in ("en", "de", "fr", "es"):
            with override(language):
                for currency in model.CURRENCIES:
                    for value in (-1234567.891, 12.5, 58448814064):
                        chars |= set(formatting.money(value, currency))
                        chars |= set(formatting.money_short(value, currency))
                chars |= set(formatting.percent(-0.316) + formatting.ratio(1.6))
                chars |= set(formatting.chance(0.9996) + formatting.number(-1234.5, 1))
        return "".join(sorted(chars))

    @pytest.mark.parametrize("bold", [False, True])
    def test_no_character_is_drawn_as_a_missing_glyph(self, bold):
        face = card.font(40, bold)
        missing = _glyph(face, "\ue000")  # a private-use code point: no font draws one
        assert _glyph(face, "\u4e00") == missing  # the check sees a real gap
        needed = self.WORDS + self.SIGNS + self.SPACES + self.figures()
        assert [c for c in needed if _glyph(face, c) == missing] == []

    def test_a_german_card_draws(self):
        report = model.report(model.Inputs(spend=20000, currency="EUR"))
        with override("de"):
            png = card.render_result(report)
        assert png.startswith(b"\x89PNG")
        assert png != card.render_result(report)

    def test_a_figure_is_never_broken_at_its_no_break_space(self):
        lines, _ = card._wrap(f"Gewinn 20.000{NBSP}€ im Monat", 40, 230, 3)
        assert all(line.count("€") == 0 or "20.000" in line for line in lines)


@given(
    value=st.floats(min_value=-1e13, max_value=1e13, allow_nan=False),
    language=st.sampled_from(["de", "fr", "es"]),
    kind=st.sampled_from(["decimal", "currency", "percent"]),
    digits=st.sampled_from([(0, 0), (2, 2), (0, 1), (0, 2), (0, 4), (1, 1)]),
    currency=st.sampled_from(model.CURRENCIES),
)
def test_the_fast_patterns_write_what_babel_writes(value, language, kind, digits, currency):
    """Figures are filled into cached patterns by string formatting; Babel's own
    ``apply`` is the reference, with the true minus for CLDR's hyphen-minus and
    the sign of a zero aside (see ``_cldr``)."""
    locale = formatting.cldr_locale(language)
    low, high = digits
    code = currency if kind == "currency" else None
    ours = formatting._cldr(value, locale, kind, low, high, code)
    pattern = formatting._pattern(locale, kind, low, high)
    babel = pattern.apply(value, locale, currency=code, currency_digits=False)
    minus = locale.number_symbols["latn"]["minusSign"]
    babel = babel.replace(minus, formatting.MINUS, 1)
    assert ours in (babel, babel.replace(formatting.MINUS, "", 1))
    if ours != babel:  # only a negative figure that rounds to zero drops its sign
        assert not any(ch in "123456789" for ch in ours)


def test_babels_public_functions_agree():
    for language, code in formatting.CLDR_LOCALES.items():
        locale = formatting.cldr_locale(language)
        for value in (-1234567.891, 0.5, 12.345, 20000):
            minus = locale.number_symbols["latn"]["minusSign"]

            def babel(text: str, minus: str = minus) -> str:  # with the true minus
                return text.replace(minus, formatting.MINUS, 1)

            assert formatting._cldr(value, locale, "currency", 2, 2, "EUR") == babel(
                format_currency(value, "EUR", locale=code)
            )
            assert formatting._cldr(value, locale, "decimal", 0, 3) == babel(
                format_decimal(value, locale=code)
            )
            assert formatting._cldr(value, locale, "percent", 0, 0) == babel(
                format_percent(value, locale=code)
            )


@pytest.mark.parametrize("language", ["en", "de"])
def test_cash_flow_axis_labels_never_print_over_each_other(language):
    # A small setup cost against a large gain puts the lowest value next to zero.
    report = model.report(model.Inputs(spend=30000, conversions=1500, currency="EUR"))
    with override(language):
        chart = charts.cashflow_chart(report.results, "EUR")
    ticks = sorted(t.y for t in chart.texts if t.css == "chart__tick" and t.anchor == "end")
    assert len(ticks) >= 2
    assert all(b - a >= charts.TICK_GAP for a, b in zip(ticks, ticks[1:], strict=False))
    labels = [t.text for t in chart.texts if t.css == "chart__tick" and t.anchor == "end"]
    assert any(label.startswith("−") for label in labels)  # the setup cost's dip


def test_cash_flow_axis_labels_zero_when_there_is_room():
    report = model.report(model.Inputs(spend=30000, conversions=1500, setup_cost=20000), 2)
    chart = charts.cashflow_chart(report.results, "USD")
    labels = [t.text for t in chart.texts if t.css == "chart__tick" and t.anchor == "end"]
    assert "$0" in labels
    assert len(labels) == 3


def test_a_card_in_another_language_has_its_own_etag_and_bytes(client):
    url = client.get("/card.png?spend=20000&currency=EUR").url
    english = client.get(url)
    german = client.get(f"/de{url}")  # the card of a German page
    again = client.get(f"/de{url}", HTTP_IF_NONE_MATCH=english["ETag"])
    assert english["ETag"] != german["ETag"]
    assert english.content != german.content
    assert again.status_code == 200  # the English copy is not the German card
