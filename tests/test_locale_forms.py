"""Numbers as each language's people type them, on that language's page.

The API and stored links read numbers alike in every language; the page's
form reads them as its language writes them, and the share link it makes is
the same whatever the language.
"""

from __future__ import annotations

import math

import pytest
from django.http import QueryDict
from django.utils.translation import override
from hypothesis import given
from hypothesis import strategies as st

from calculator import formatting, model
from calculator.forms import CalculatorForm
from calculator.numbers import Ambiguous, parse_typed, typing_for

NBSP, NNBSP, THIN = "\u00a0", "\u202f", "\u2009"


def read(text: str, language: str | None, unit: str = "money") -> float:
    return parse_typed(text, unit, typing_for(language))


def form(query: str, language: str | None) -> CalculatorForm:
    return CalculatorForm(QueryDict(query), language=language)


class TestTyping:
    @pytest.mark.parametrize(
        ("language", "text", "expected"),
        [
            ("de", "1.234,56", 1234.56),
            ("es", "1.234,56", 1234.56),
            ("fr", "1 234,56", 1234.56),
            ("fr", f"1{NBSP}234,56", 1234.56),
            ("fr", f"1{NNBSP}234,56", 1234.56),
            ("fr", f"1{THIN}234,56", 1234.56),
            ("de", "1234,56", 1234.56),
            ("fr", "1234,56", 1234.56),
            ("es", "1234,56", 1234.56),
            ("de", "30.000", 30000),
            ("es", "30.000", 30000),
            ("de", "1.234.567", 1234567),
            ("de", "30.000 €", 30000),
            ("de", "€ 30.000", 30000),
            ("fr", f"20{NNBSP}000{NBSP}€", 20000),
            ("fr", f"12,50{NBSP}$US", 12.5),
            ("es", f"12,50{NBSP}US$", 12.5),
            ("de", "1,5k", 1500),
            ("de", "2,5 Mio", None),  # not a scale word we read: refused, not guessed
            ("de", "12,5", 12.5),
            ("de", "12.5", 12.5),  # a decimal dot is still a decimal dot
            ("de", "1,234,567", 1234567),  # English grouping, where German cannot apply
            ("de", "1,234.5", 1234.5),
            ("de", "-2.700", -2700),
            ("de", "30'000", 30000),
        ],
    )
    def test_what_people_type(self, language, text, expected):
        if expected is None:
            with pytest.raises(ValueError, match="not a number"):
                read(text, language)
        else:
            assert read(text, language) == expected

    @pytest.mark.parametrize("language", ["de", "fr", "es"])
    def test_three_decimals_in_money_are_a_real_doubt(self, language):
        # '30,000' is thirty here, but money has two decimals: maybe English habit.
        with pytest.raises(Ambiguous) as doubt:
            read("30,000", language)
        assert sorted(doubt.value.readings) == [30, 30000]

    def test_french_dots_are_read_as_in_english(self):
        with pytest.raises(Ambiguous):
            read("30.000", "fr")  # CLDR's French groups with spaces, not dots
        assert read("1.234", "fr", "count") == 1.234

    def test_english_rules_are_unchanged(self):
        with pytest.raises(Ambiguous):
            read("30.000", None)
        assert read("30,000", None) == 30000
        assert typing_for("en") is None
        assert typing_for("en-gb") is None

    def test_a_count_and_a_rate_in_german(self):
        assert read("1.500", "de", "count") == 1500
        assert read("1,5", "de", "count") == 1.5
        assert read("12,5 %", "de", "%") == 12.5
        assert read(f"12,5{NBSP}%", "fr", "%") == 12.5

    @pytest.mark.parametrize(
        "text",
        [
            "NaN",
            "inf",
            "1e309x",
            "1.2.3,4,5",
            "<script>alert(1)</script>",
            "١٢٣",  # Arabic-Indic digits
            "１２３",  # full-width digits
            "12,,5",
            ",",
            ".",
            "1 2 3,4",
            "30.00.000",
            "5-",
            "0x1F",
            "1_000",
            "€",
            "",
        ],
    )
    @pytest.mark.parametrize("language", ["de", "fr", "es"])
    def test_hostile_text_is_refused(self, language, text):
        with pytest.raises(ValueError, match="not a number"):
            read(text, language)


class TestForm:
    @pytest.mark.parametrize(
        ("language", "currency"),
        [(None, "USD"), ("en", "USD"), ("de", "EUR"), ("fr", "EUR"), ("es", "EUR")],
    )
    def test_the_language_sets_the_currency_a_link_does_not_name(self, language, currency):
        for query, expected in (("", currency), ("&currency=USD", "USD"), ("&currency=GBP", "GBP")):
            bound = form("spend=30000" + query, language)
            assert bound.is_valid(), bound.errors
            assert bound.cleaned_data["currency"] == expected

    def test_the_same_inputs_make_the_same_link_in_every_language(self):
        # English pages start in USD and the others in EUR: the link names it.
        english = form(
            "spend=30,000&aov=1,234.56&consent=12.5&conversions=1,500&currency=EUR", None
        )
        german = form("spend=30.000&aov=1.234,56&consent=12,5&conversions=1.500", "de")
        french = form(f"spend=30{NNBSP}000&aov=1 234,56&consent=12,5&conversions=1 500", "fr")
        spanish = form("spend=30.000 €&aov=1234,56&consent=12,5 %&conversions=1.500", "es")
        for each in (english, german, french, spanish):
            assert each.is_valid(), each.errors
        links = {each.canonical_query() for each in (english, german, french, spanish)}
        assert len(links) == 1
        assert "spend=30000&" in links.pop()

    @pytest.mark.parametrize("language", [None, "en", "de", "fr", "es"])
    def test_a_share_link_gives_the_same_numbers_in_every_language(self, language):
        typed = form("spend=1234.56&aov=80.5&consent=12.345&margin=33.3333", None)
        assert typed.is_valid(), typed.errors
        again = CalculatorForm(QueryDict(typed.canonical_query()), language=language)
        assert again.is_valid(), again.errors
        assert again.inputs() == typed.inputs()
        assert again.canonical_query() == typed.canonical_query()

    def test_a_german_page_reads_thirty_thousand(self):
        german = form("spend=30.000", "de")
        assert german.is_valid(), german.errors
        assert german.inputs().spend == 30000
        assert not form("spend=30.000", None).is_valid()  # still a doubt in English

    def test_the_range_is_stated_as_the_language_writes_it(self):
        german = form("spend=0&v=2", "de")
        assert german.errors["spend"] == [
            "Monthly Meta ad spend must be a number between 0,01 and 1 billion."
        ]
        assert form("spend=0&v=2", None).errors["spend"] == [
            "Monthly Meta ad spend must be a number between 0.01 and 1 billion."
        ]
        assert form("spend=2,5bn&v=2", "de").errors["spend"] == [
            "Monthly Meta ad spend must be a number between 0,01 and 1 billion; "
            "this reads as 2500000000 (2,5 billion)."
        ]
        assert form("spend=30,000", "de").errors["spend"] == [
            "Monthly Meta ad spend could be 30 or 30000: type the number without a "
            "thousands separator."
        ]
        assert "0,01" in german.fields["spend"].range_text
        # Each form has its own copy of the field: the class keeps English.
        assert "0.01" in CalculatorForm.base_fields["spend"].range_text

    def test_a_rate_from_a_link_is_not_read_as_thousands(self):
        german = form("consent=12.345", "de")
        assert german.is_valid(), german.errors
        assert german.inputs().consent == 12.345

    def test_the_api_reads_numbers_alike_in_every_language(self, client):
        with override("de"):
            german = client.get("/api/v1/calculate?spend=30.000")
            comma = client.get("/api/v1/calculate?spend=30,000")
        assert german.status_code == 400
        assert "could be 30 or 30000" in german.json()["errors"]["spend"][0]
        assert comma.status_code == 200
        assert comma.json()["inputs"]["spend"] == 30000

    def test_the_german_page_reads_german_numbers(self, client):
        response = client.get("/de/?spend=30.000&currency=EUR")
        assert response.status_code == 200
        page = response.content.decode()
        assert "could be 30 or 30000" not in page
        assert f"30.000{NBSP}€" in page


AMOUNTS = st.floats(min_value=0.01, max_value=1e9, allow_nan=False)
LANGUAGES = st.sampled_from(["en", "de", "fr", "es"])


@given(value=AMOUNTS, language=LANGUAGES, currency=st.sampled_from(model.CURRENCIES))
def test_money_as_shown_reads_back_as_shown(value, language, currency):
    """A figure copied from a page and typed into its form is the figure shown."""
    with override(language):
        shown = formatting.money(value, currency)
    cents = abs(value) < 100 and currency not in formatting.NO_CENTS
    step = 0.01 if cents else 1.0
    try:
        got = parse_typed(shown, "money", typing_for(language))
    except Ambiguous as doubt:
        # Only English '$30.000'-style text can be doubtful, and it never is shown.
        pytest.fail(f"{shown!r} is doubtful: {doubt.readings}")
    # The amount shown, rounded at display: within half a step of the figure,
    # and a whole number of steps (cents or units).
    assert abs(got - value) <= step / 2 + 1e-12 * max(1.0, value), (shown, got, value)
    assert math.isclose(got / step, round(got / step), abs_tol=1e-6), (shown, got)


@given(
    value=st.decimals(min_value=0, max_value=500, places=4, allow_nan=False),
    language=st.sampled_from(["de", "fr", "es"]),
)
def test_a_rate_as_shown_reads_back(value, language):
    with override(language):
        shown = formatting.rate(float(value))
    assert parse_typed(shown, "%", typing_for(language)) == float(value)


@given(value=st.integers(min_value=1, max_value=100_000_000), language=LANGUAGES)
def test_a_count_as_shown_reads_back(value, language):
    with override(language):
        shown = formatting.count(value)
    assert parse_typed(shown, "count", typing_for(language)) == value


@given(
    cents=st.integers(min_value=1, max_value=100_000_000_000),
    language=st.sampled_from(["de", "fr", "es"]),
)
def test_a_typed_amount_makes_the_link_english_makes(cents, language):
    value = cents / 100
    with override(language):
        shown = formatting.number(value, 2)
    local = CalculatorForm(QueryDict(f"spend={shown}"), language=language)
    english = CalculatorForm(QueryDict(f"spend={value:.2f}&currency=EUR"))  # the page's
    assert local.is_valid(), (shown, local.errors)
    assert english.is_valid(), english.errors
    assert local.canonical_query() == english.canonical_query()


@given(
    text=st.text(alphabet=st.sampled_from("0123456789.,  \u202f'€$%-+ekmb"), max_size=24)
    | st.text(max_size=24),
    key=st.sampled_from(["spend", "conversions", "consent", "months"]),
    language=st.sampled_from(["de", "fr", "es"]),
)
def test_any_text_is_a_number_in_range_or_a_message(text, key, language):
    """Hostile or careless text never escapes the form: a valid number in its
    range, or a message that names the field without echoing the text."""
    typed = CalculatorForm({key: text}, language=language)
    if typed.is_valid():
        assert model.LIMITS[key].in_range(float(typed.cleaned_data[key]))
    elif key in typed.errors:
        assert str(typed.fields[key].label) in typed.errors[key][0]
    marked = CalculatorForm({key: f"<b>{text}"}, language=language)
    assert not marked.is_valid()
    assert all("<b>" not in message for message in marked.errors[key])


def test_typical_costs_are_shown_as_the_language_writes_them(client):
    page = client.get("/de/?integration=custom&currency=USD").content.decode()
    with override("de"):
        typed = form("integration=custom&setup_cost=1.500", "de")
    assert 'placeholder="1.500"' in page
    assert 'data-setup-cost="1.500"' in page
    # In the page's own currency the typical cost is converted at the dated rate.
    assert 'placeholder="1.441"' in client.get("/de/?integration=custom").content.decode()
    assert typed.is_valid()
    assert typed.inputs().setup_cost == 1500
    english = client.get("/?integration=custom").content.decode()
    assert 'placeholder="1500"' in english
