"""Which integration pays best, on its surfaces: the `store` input and the
link, the API's `comparison` and its OpenAPI description, and the page's
table with its links."""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
from django.http import QueryDict

from calculator import model
from calculator.api import openapi
from calculator.forms import CalculatorForm

pytestmark = pytest.mark.django_db

THREE = "google_spend=10000&google_conversions=300&tiktok_spend=4000&tiktok_conversions=50"


def api(client, query: str):
    response = client.get(f"/api/v1/calculate?{query}")
    return response.status_code, json.loads(response.content)


class TestTheApi:
    def test_it_adds_one_object_per_integration(self, client):
        status, body = api(client, f"v=3&{THREE}&compare=integrations&store=shopify")
        assert status == 200
        comparison = body["comparison"]
        assert [row["integration"] for row in comparison] == list(model.COMPARED)
        assert set(comparison[0]) == {
            "integration",
            "platforms",
            "setup_cost",
            "monthly_cost",
            "net",
            "payback_month",
            "breakeven_cpa_gain",
            "available",
            "best",
        }
        assert [row["integration"] for row in comparison if row["best"]] == ["shopify"]
        assert comparison[0]["platforms"] == ["meta", "tiktok"]
        chosen = next(row for row in comparison if row["integration"] == "custom")
        assert chosen["net"] == body["results"]["net"]  # the report's own integration

    def test_it_matches_its_schema(self, client):
        doc = openapi.document()
        schema = {**doc["components"]["schemas"]["Report"], "components": doc["components"]}
        for query in (
            f"v=3&{THREE}&compare=integrations",
            "v=3&spend=0&google_spend=10000&google_conversions=300&compare=integrations",
            "v=3&setup_cost=0&monthly_cost=0&integration=gateway&compare=integrations",
        ):
            status, body = api(client, query)
            assert status == 200
            jsonschema.validate(body, schema)

    def test_no_comparison_unless_asked_or_before_version_3(self, client):
        assert "comparison" not in api(client, "v=3")[1]
        assert "comparison" not in api(client, "v=3&compare=")[1]
        for version in (1, 2):
            status, body = api(client, f"v={version}&compare=integrations&store=shopify")
            assert status == 200
            assert "comparison" not in body

    def test_the_store_changes_no_figure(self, client):
        plain = api(client, f"v=3&{THREE}")[1]
        for store in model.STORES:
            assert api(client, f"v=3&{THREE}&store={store}")[1] == plain

    @pytest.mark.parametrize("version", [1, 2, 3])
    def test_bad_values_answer_400_keyed_by_name(self, client, version):
        status, body = api(client, f"v={version}&compare=platforms&store=magento&margin=200")
        assert status == 400
        assert set(body["errors"]) == {"compare", "store", "margin"}
        assert "integrations" in body["errors"]["compare"][0]
        assert "shopify" in body["errors"]["store"][0]

    def test_a_repeated_compare_is_refused(self, client):
        status, body = api(client, "v=3&compare=integrations&compare=integrations")
        assert status == 400
        assert "compare" in body["errors"]

    def test_openapi_documents_both_parameters_and_the_list(self, client):
        doc = json.loads(client.get("/api/v1/openapi.json").content)
        params = {p["name"]: p for p in doc["paths"]["/api/v1/calculate"]["get"]["parameters"]}
        assert params["compare"]["schema"]["enum"] == ["integrations", ""]
        assert params["store"]["schema"] == {
            "type": "string",
            "enum": ["shopify", "woocommerce", "other", ""],
            "default": "other",
        }
        v3 = doc["components"]["schemas"]["ReportV3"]["properties"]["comparison"]
        assert v3["items"]["required"] == list(model.IntegrationResult.__dataclass_fields__)
        assert v3["items"]["properties"]["integration"]["enum"] == list(model.COMPARED)


class TestTheLink:
    def canonical(self, query: str) -> str:
        form = CalculatorForm(QueryDict(query))
        assert form.is_valid(), form.errors
        return form.canonical_query()

    def test_a_version_3_link_names_a_store_other_than_the_default(self):
        assert self.canonical("v=3&store=shopify").endswith("&store=shopify&v=3")
        assert "store" not in self.canonical("v=3&store=other")
        assert "store" not in self.canonical("v=3")

    def test_earlier_versions_keep_their_links(self):
        assert self.canonical("v=2&store=shopify") == self.canonical("v=2")
        assert self.canonical("v=1&cpa_gain=5&store=shopify") == self.canonical("v=1&cpa_gain=5")

    def test_the_model_inputs_are_the_same_whatever_the_store(self):
        plain = CalculatorForm(QueryDict("v=3"))
        shop = CalculatorForm(QueryDict("v=3&store=woocommerce"))
        assert plain.is_valid()
        assert shop.is_valid()
        assert plain.inputs() == shop.inputs()


def compare_table(page: str) -> str:
    assert page.count('id="compare"') == 1
    return page.split('id="compare"', 1)[1].split("</table>", 1)[0]


def body_rows(table: str) -> list[str]:
    return table.split("<tbody>", 1)[1].split("<tr")[1:]


def row_of(table: str, key: str) -> str:
    return next(row for row in body_rows(table) if f'data-integration="{key}"' in row)


def link_of(row: str) -> str:
    return unescape(re.search(r'<a href="([^"]+)"', row).group(1))


class TestThePage:
    def test_one_row_per_integration_and_exactly_one_best(self, client):
        table = compare_table(client.get(f"/?v=3&{THREE}&store=shopify").content.decode())
        rows = body_rows(table)
        assert [re.search(r'data-integration="(\w+)"', r).group(1) for r in rows] == list(
            model.COMPARED
        )
        best = [row for row in rows if "data-best" in row]
        assert len(best) == 1
        assert 'data-integration="shopify"' in best[0]
        assert "Best for your store" in best[0]  # in words, not by colour alone
        assert "Meta, TikTok" in best[0]
        assert "Your choice" in row_of(table, "custom")

    def test_earlier_versions_show_no_comparison(self, client):
        for query in ("v=2", "v=1&cpa_gain=5"):
            assert 'id="compare"' not in client.get(f"/?{query}").content.decode()

    def test_unavailable_rows_say_why(self, client):
        table = compare_table(client.get("/?v=3").content.decode())
        assert "Needs a Shopify store" in row_of(table, "shopify")
        assert "Needs a WooCommerce store" in row_of(table, "woocommerce")
        shop = compare_table(client.get("/?v=3&store=shopify").content.decode())
        assert "Needs a" not in row_of(shop, "shopify")

    def test_a_google_only_store_sees_the_gateway_cover_none(self, client):
        query = "v=3&spend=0&google_spend=10000&google_conversions=300"
        table = compare_table(client.get(f"/?{query}").content.decode())
        assert "Covers none of your platforms" in row_of(table, "gateway")
        assert "Google Ads" in row_of(table, "managed")

    def test_it_says_typed_costs_apply_to_the_chosen_integration(self, client):
        page = client.get("/?v=3&setup_cost=900").content.decode()
        assert "A cost you typed applies to the integration you chose" in page

    def test_a_rows_link_switches_the_integration_and_shows_its_figures(self, client):
        query = f"v=3&{THREE}&store=woocommerce&setup_cost=900&google_route=relay"
        table = compare_table(client.get(f"/?{query}").content.decode())
        link = link_of(row_of(table, "gateway"))
        assert urlsplit(link).path == "/"
        params = parse_qs(urlsplit(link).query)
        assert params["integration"] == ["gateway"]
        assert params["store"] == ["woocommerce"]
        for typed in ("setup_cost", "monthly_cost", "setup", "google_route"):
            assert typed not in params  # the chosen integration's, not the gateway's
        switched = client.get(link).content.decode()
        assert 'value="gateway" selected' in switched
        # The page switched to shows the gateway row's figures, as its own choice.
        before = api(client, f"{query}&compare=integrations")[1]["comparison"]
        row = next(item for item in before if item["integration"] == "gateway")
        after = api(client, urlsplit(link).query)[1]
        assert after["results"]["net"] == pytest.approx(row["net"], rel=1e-12)
        assert "Your choice" in row_of(compare_table(switched), "gateway")

    def test_the_embed_keeps_its_look_and_language_in_the_links(self, client):
        page = client.get(f"/embed/?v=3&{THREE}&lang=es").content.decode()
        link = link_of(row_of(compare_table(page), "managed"))
        assert link.startswith("?")
        assert parse_qs(link[1:])["lang"] == ["es"]

    def test_the_address_an_update_shows_keeps_the_store(self, client):
        response = client.get(f"/?v=3&store=shopify&{THREE}", HTTP_HX_REQUEST="true")
        assert "store=shopify" in response["HX-Replace-Url"]
        assert 'id="compare"' in response.content.decode()

    @pytest.mark.parametrize("prefix", ["/de", "/fr", "/es"])
    def test_it_speaks_each_language(self, client, prefix):
        page = client.get(f"{prefix}/?v=3&store=shopify").content.decode()
        table = compare_table(page)
        assert "Best for your store" not in table
        assert "Which integration pays best" not in page
        assert link_of(row_of(table, "gateway")).startswith(f"{prefix}/?")
