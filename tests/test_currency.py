"""Currency end to end: the language's default, symbols that contradict the
chosen currency, and typical costs converted at the dated rates."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from calculator import model
from calculator.forms import CalculatorForm
from calculator.integrations import INTEGRATIONS, typical_cost
from calculator.model import costs
from tests.helpers import head_of


def bound(query: str, language: str | None = None) -> CalculatorForm:
    form = CalculatorForm(QueryDict(query), language=language)
    assert form.is_valid(), form.errors
    return form


class TestLanguageDefault:
    @pytest.mark.parametrize(("prefix", "currency"), [("", "USD"), ("/de", "EUR"), ("/fr", "EUR")])
    def test_a_page_starts_in_its_languages_currency(self, client, prefix, currency):
        html = client.get(f"{prefix}/").content.decode()
        assert f'<option value="{currency}" selected>' in html

    def test_a_links_own_currency_wins(self, client):
        html = client.get("/de/?currency=USD").content.decode()
        assert '<option value="USD" selected>' in html
        assert '<option value="EUR" selected>' not in html

    def test_the_german_default_is_named_in_the_result_link(self, client):
        response = client.get("/de/?spend=30000")
        assert "currency=EUR" in head_of(response).meta["og:url"]

    def test_the_api_keeps_the_models_default(self, client):
        body = client.get("/api/v1/calculate", HTTP_ACCEPT_LANGUAGE="de").json()
        assert body["inputs"]["currency"] == "USD"


class TestSymbols:
    def test_a_german_page_refuses_dollars_when_euros_are_chosen(self, client):
        response = client.get("/de/?spend=30.000+%24", HTTP_HX_REQUEST="true")
        text = response.content.decode()
        assert "Monatliches Meta-Werbebudget ist in USD, CAD, AUD oder NZD angegeben" in text
        assert "die gewählte Währung ist aber EUR" in text

    def test_a_german_page_takes_euros(self):
        assert bound("spend=30.000 €", "de").cleaned_data["spend"] == 30000


class TestRates:
    def test_the_table_covers_every_currency_and_the_dollar_is_one(self):
        assert set(costs.USD_RATES) == set(model.CURRENCIES)
        assert costs.USD_RATES["USD"] == 1
        # Per dollar by way of the euro: 1 / 1.0411 euros.
        assert costs.USD_RATES["EUR"] == pytest.approx(0.96052, abs=1e-5)

    @pytest.mark.parametrize(
        ("currency", "expected"),
        [("USD", 1500), ("EUR", 1441), ("GBP", 1190), ("JPY", 226145), ("SEK", 16119)],
    )
    def test_a_typical_cost_is_converted_to_whole_units(self, currency, expected):
        assert costs.convert(1500, currency) == expected

    def test_dollars_keep_their_cents(self):
        assert costs.convert(300.15, "USD") == 300.15


class TestTypicalCosts:
    def test_version_2_fills_converted_costs(self):
        inputs = bound("currency=JPY&integration=sgtm_hosted").inputs()
        assert (inputs.setup_cost, inputs.monthly_cost) == (226145, 3015)

    def test_version_2_in_dollars_is_as_before(self):
        inputs = bound("integration=sgtm_hosted").inputs()
        assert (inputs.setup_cost, inputs.monthly_cost) == (1500, 20)

    def test_a_typed_cost_is_never_converted(self):
        inputs = bound("currency=JPY&integration=custom&setup_cost=1500").inputs()
        assert inputs.setup_cost == 1500
        assert inputs.monthly_cost == 15076

    def test_version_3_fills_converted_costs(self):
        inputs = bound("v=3&currency=EUR&integration=managed&orders=3000").inputs()
        assert (inputs.setup_cost, inputs.monthly_cost) == (0, round(450 * 1 / 1.0411))

    def test_version_1_keeps_the_models_costs_in_any_currency(self):
        inputs = bound("v=1&currency=JPY&cpa_gain=5").inputs()
        assert (inputs.setup_cost, inputs.monthly_cost) == (1500, 100)

    def test_a_version_2_link_keeps_its_costs(self):
        link = bound("currency=EUR&integration=custom").canonical_query()
        assert "setup_cost=1441&monthly_cost=96&" in link
        again = bound(link).inputs()
        assert (again.setup_cost, again.monthly_cost) == (1441, 96)

    @pytest.mark.parametrize("key", list(INTEGRATIONS))
    def test_the_hints_function_gives_what_the_form_fills(self, key):
        inputs = bound(f"currency=NOK&integration={key}").inputs()
        assert inputs.setup_cost == typical_cost(key, "setup_cost", "NOK")
        assert inputs.monthly_cost == typical_cost(key, "monthly_cost", "NOK")


def test_the_method_page_states_the_rates_and_their_date(client):
    html = client.get("/method/").content.decode()
    assert "Feb. 28, 2025" in html
    assert "European Central Bank" in html
    assert "0.9605" in html  # euros per dollar
    german = client.get("/de/method/").content.decode()
    assert "28. Februar 2025" in german
    assert "0,9605" in german
