"""Which integration pays best, on its surfaces: the `store` input and the
link, the API's `comparison` and its OpenAPI description."""

from __future__ import annotations

import json

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
