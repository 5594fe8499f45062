"""The JSON API: the model's shape, strict JSON, CORS and hostile queries."""

from __future__ import annotations

import json
from urllib.parse import quote

import jsonschema
import pytest
from openapi_spec_validator import validate

from calculator import model
from calculator.api import openapi


def strict_json(content: bytes):
    def refuse(token):
        raise AssertionError(f"not JSON: {token}")

    return json.loads(content, parse_constant=refuse)


THREE = "google_spend=10000&google_conversions=300&tiktok_spend=4000&tiktok_conversions=50"


class TestCalculate:
    def test_version_1_defaults_reproduce_the_model_document(self, client):
        response = client.get("/api/v1/calculate?v=1")
        assert response.status_code == 200
        body = strict_json(response.content)
        r = body["results"]
        assert body["model_version"] == 1
        assert body["inputs"]["cpa_gain"] == 5
        assert "signal_gain" not in r
        assert "cpa_gain" not in body["uncertainty"]
        assert round(r["true_conversions"], 2) == 584.49
        assert round(r["recovered"], 2) == 97.85
        assert round(r["discrepancy_before"], 3) == 0.316
        assert round(r["discrepancy_after"], 3) == 0.148
        assert round(r["monthly_benefit"], 2) == 984.40
        assert round(r["roi"], 2) == 3.19
        assert r["payback_month"] == 3
        assert round(r["npv"]) == 8094
        assert round(r["breakeven_cpa_gain"], 4) == 0.0124
        assert round(r["breakeven_spend"]) == 4770
        assert set(r["losses"]) == {"consent", "att", "adblock", "itp", "connectivity"}
        assert len(r["cash_flows"]) == len(r["cumulative"]) == 13

    def test_version_2_at_its_defaults(self, client):
        body = strict_json(client.get("/api/v1/calculate?v=2").content)
        r = body["results"]
        assert body["model_version"] == 2
        assert body["inputs"]["cpa_gain"] is None
        assert body["inputs"]["lift_slope"] == 20
        assert round(r["signal_gain"], 4) == 0.2446
        assert round(r["cpa_gain"], 5) == round(r["estimated_cpa_gain"], 5) == 0.04893
        assert r["cpa_gain_source"] == "signal"
        assert round(r["monthly_benefit"], 2) == 962.19
        assert round(r["net"]) == 8365
        assert r["share_of_orders"] is None
        assert r["warnings"] == []
        assert set(body["uncertainty"]["cpa_gain"]) == {"p10", "p50", "p90"}

    def test_version_3_answers_its_own_shape(self, client):
        response = client.get(f"/api/v1/calculate?v=3&setup=backend&{THREE}")
        assert response.status_code == 200
        body = strict_json(response.content)
        assert body["model_version"] == 3
        r = body["results"]
        assert list(r) == [
            "monthly_benefit",
            "incremental_conversions",
            "expected_cpa_gain",
            "net_monthly",
            "cash_flows",
            "cumulative",
            "total_benefit",
            "total_cost",
            "net",
            "roi",
            "payback_month",
            "npv",
            "breakeven_cpa_gain",
            "breakeven_spend",
            "warnings",
            "holdout",
            "platforms",
        ]
        assert list(r["platforms"]) == ["meta", "google", "tiktok"]
        # docs/model.md's worked example: Google and TikTok count as reporting only.
        google, tiktok = r["platforms"]["google"], r["platforms"]["tiktok"]
        assert round(google["true_conversions"], 2) == 422.79
        assert round(google["reported_after"], 2) == 365.27
        assert round(tiktok["true_conversions"], 2) == 73.06
        assert google["cpa_gain"] == tiktok["cpa_gain"] == 0
        assert round(r["net"], 2) == 3128.69
        assert round(r["breakeven_cpa_gain"] * 100, 3) == 0.675
        assert round(r["expected_cpa_gain"] * 100, 2) == 1.43
        assert set(body["uncertainty"]["platforms"]) == {"meta", "google", "tiktok"}
        assert body["inputs"]["google_spend"] == 10000

    def test_version_3_errors_are_keyed_as_the_spec_says(self, client):
        def keys(query):
            response = client.get(f"/api/v1/calculate?v=3&{query}")
            assert response.status_code == 400
            return list(strict_json(response.content)["errors"])

        assert keys("spend=0") == ["spend"]
        assert keys("google_spend=10") == ["google_conversions"]
        assert keys("tiktok_spend=10") == ["tiktok_conversions"]
        assert keys("orders=100") == ["orders"]
        assert keys("consent=95") == ["orders"]

    def test_version_3_is_the_default(self, client, defaults):
        body = strict_json(client.get("/api/v1/calculate").content)
        assert body["model_version"] == 3
        r = body["results"]
        # docs/model.md, "Figures at the defaults": Meta alone, from the backend.
        assert round(r["breakeven_cpa_gain"], 6) == defaults.breakeven_cpa_gain
        assert round(r["expected_cpa_gain"], 4) == 0.0264
        assert list(r["platforms"]) == ["meta"]
        assert r["platforms"]["meta"]["cpa_gain_source"] == "signal"

    def test_orders_below_the_implied_purchases_answer_400_keyed_orders(self, client):
        response = client.get("/api/v1/calculate?orders=580&v=2")
        assert response.status_code == 400
        (message,) = response.json()["errors"]["orders"]
        assert "584" in message
        assert "580 orders" in message
        # Reporting most of the orders is worded as attribution overclaiming.
        (most,) = client.get("/api/v1/calculate?orders=500&v=2").json()["errors"]["orders"]
        assert "Meta reports 400 purchases, most of your 500 orders: view-through" in most
        ok = strict_json(client.get("/api/v1/calculate?orders=1000&v=2").content)
        assert ok["results"]["share_of_orders"] == pytest.approx(0.58449, abs=1e-5)

    def test_version_1_ignores_the_version_2_inputs(self, client):
        plain = client.get("/api/v1/calculate?v=1").content
        assert client.get("/api/v1/calculate?v=1&orders=2&lift_slope=x").content == plain

    def test_warnings_are_codes(self, client):
        body = strict_json(client.get("/api/v1/calculate?consent=95&cpa_gain=20&v=2").content)
        assert body["results"]["warnings"] == [
            "pixel_sees_under_a_fifth",
            "lift_above_meta_average",
        ]

    def test_it_echoes_normalised_inputs(self, client):
        body = strict_json(client.get("/api/v1/calculate?spend=5e4&acr=&junk=1").content)
        assert body["inputs"]["spend"] == 50000
        assert body["inputs"]["acr"] is None
        assert "junk" not in body["inputs"]

    def test_it_carries_uncertainty_and_sensitivity(self, client):
        body = strict_json(client.get("/api/v1/calculate?v=2").content)
        u = body["uncertainty"]
        assert u["draws"] == 10000
        assert u["net"]["p10"] <= u["net"]["p50"] <= u["net"]["p90"]
        assert body["sensitivity"][0]["input"] == "lift_slope"
        current = strict_json(client.get("/api/v1/calculate").content)
        assert current["sensitivity"][0]["input"] == "lift_share"
        entered = strict_json(client.get("/api/v1/calculate?cpa_gain=5&v=2").content)
        assert entered["sensitivity"][0]["input"] == "cpa_gain"
        old = strict_json(client.get("/api/v1/calculate?v=1").content)
        assert old["sensitivity"][0]["input"] == "cpa_gain"

    def test_the_same_link_gives_the_same_range(self, client):
        first = client.get("/api/v1/calculate?adblock=12").content
        assert client.get("/api/v1/calculate?adblock=12").content == first

    def test_zero_cost_gives_null_roi(self, client):
        body = strict_json(client.get("/api/v1/calculate?setup_cost=0&monthly_cost=0").content)
        assert body["results"]["roi"] is None
        assert body["uncertainty"]["roi"] == {"p10": None, "p50": None, "p90": None}

    def test_any_page_may_call_it(self, client):
        response = client.get("/api/v1/calculate", HTTP_ORIGIN="https://agency.example")
        assert response["Access-Control-Allow-Origin"] == "*"
        preflight = client.options("/api/v1/calculate")
        assert preflight.status_code == 204
        assert "GET" in preflight["Access-Control-Allow-Methods"]

    def test_it_rejects_post(self, client):
        assert client.post("/api/v1/calculate").status_code == 405

    def test_the_response_matches_its_schema(self, client):
        doc = openapi.document()
        schema = {**doc["components"]["schemas"]["Report"], "components": doc["components"]}
        for query in (
            "",
            "v=1",
            "mode=save&setup=relay&acr=30",
            "mode=save&setup=relay&acr=30&v=1",
            "setup_cost=0&monthly_cost=0&cpa_gain=0",
            "consent=95&cpa_gain=30&orders=1e8",
            "v=3",
            f"v=3&{THREE}",
            f"v=3&{THREE}&acr=39.1&orders=5000&google_route=none&mode=save",
            "v=3&setup=gateway&server_ip=same&integration=gateway",
            "v=3&spend=0&google_spend=10000&google_conversions=300&google_route=none",
            "v=3&setup_cost=0&monthly_cost=0&cpa_gain=30",
        ):
            jsonschema.validate(
                strict_json(client.get(f"/api/v1/calculate?{query}").content), schema
            )


HOSTILE = [
    ("spend", "NaN"),
    ("spend", "nan"),
    ("spend", "inf"),
    ("spend", "-inf"),
    ("spend", "1e309"),
    ("spend", "-5"),
    ("conversions", "abc"),
    ("aov", "<script>alert(1)</script>"),
    ("margin", "\u0661\u0662"),
    ("safari", "１０"),
    ("months", "1e3"),
    ("setup", "<img src=x onerror=alert(1)>"),
    ("currency", "\u202eUSD"),
    ("discount", "9" * 8192),
    ("v", "9" * 8192),
    ("acr", "null"),
    ("match_after", "0"),
    ("mode", ""),
    ("spend", "\x00"),
]


class TestHostileQueries:
    @pytest.mark.parametrize(("key", "value"), HOSTILE)
    def test_it_answers_400_naming_the_field(self, client, key, value):
        response = client.get(f"/api/v1/calculate?{key}={quote(value)}")
        assert response.status_code == 400
        body = strict_json(response.content)
        assert list(body["errors"]) == [key]
        assert "<script>" not in response.content.decode()
        assert "<img" not in response.content.decode()

    def test_minus_zero_is_a_valid_zero(self, client):
        response = client.get("/api/v1/calculate?ramp=-0")
        assert response.status_code == 200
        assert strict_json(response.content)["inputs"]["ramp"] == 0

    def test_repeated_keys(self, client):
        body = strict_json(client.get("/api/v1/calculate?spend=1&spend=2").content)
        assert body["errors"]["spend"] == ["Monthly Meta ad spend was given more than once."]

    @pytest.mark.parametrize("blank", [" ", "\t", "\x0c", "\u00a0", "\u202f"])
    def test_a_blank_cost_is_an_empty_one_as_the_schema_says(self, client, blank):
        response = client.get(f"/api/v1/calculate?setup_cost={quote(blank)}")
        assert response.status_code == 200
        assert strict_json(response.content)["inputs"]["setup_cost"] == 1500  # typical

    @pytest.mark.parametrize("other", ["\x1f", "\u2003", "\u3000"])
    def test_other_invisible_characters_are_not_a_blank(self, client, other):
        response = client.get(f"/api/v1/calculate?setup_cost={quote(other)}")
        assert response.status_code == 400
        assert list(strict_json(response.content)["errors"]) == ["setup_cost"]

    def test_many_bad_fields_at_once(self, client):
        body = strict_json(client.get("/api/v1/calculate?spend=x&aov=y&months=z").content)
        assert set(body["errors"]) == {"spend", "aov", "months"}


class TestOpenApi:
    def test_it_is_a_valid_openapi_31_document(self, client):
        response = client.get("/api/v1/openapi.json")
        assert response.status_code == 200
        doc = strict_json(response.content)
        assert doc["openapi"] == "3.1.0"
        validate(doc)

    def test_it_lists_every_query_key(self, client):
        doc = strict_json(client.get("/api/v1/openapi.json").content)
        params = doc["paths"]["/api/v1/calculate"]["get"]["parameters"]
        names = {p["name"] for p in params if p["in"] == "query"}
        assert names == set(model.V3_KEYS) | {"lift_slope", "v", "store", "compare"}
        assert names >= {
            "integration",
            "spend",
            "conversions",
            "orders",
            "aov",
            "margin",
            "currency",
            "consent",
            "att",
            "adblock",
            "safari",
            "itp",
            "connectivity",
            "match_before",
            "match_after",
            "setup",
            "acr",
            "lift_slope",
            "cpa_gain",
            "mode",
            "ramp",
            "setup_cost",
            "monthly_cost",
            "months",
            "discount",
            "holdout_weeks",
            "holdout_share",
            "v",
        }
        schema = {p["name"]: p["schema"] for p in params}
        # A platform's spend may be 0 in version 3; the description says 0.01 before.
        assert schema["spend"] == {"type": "number", "minimum": 0, "maximum": 1e9, "default": 20000}
        assert schema["setup"]["enum"] == ["backend", "relay", "gateway"]
        assert "managed" in schema["integration"]["enum"]
        assert schema["google_modelled"]["maximum"] == 90
        assert schema["v"] == {"type": "integer", "enum": [1, 2, 3], "default": 3}

    def test_it_documents_every_version_3_result_key_and_code(self, client):
        doc = strict_json(client.get("/api/v1/openapi.json").content)
        v3 = doc["components"]["schemas"]["ReportV3"]
        results = v3["properties"]["results"]
        assert set(results["required"]) == set(model.ResultsV3.__dataclass_fields__)
        platform = results["properties"]["platforms"]["properties"]["google"]
        assert set(platform["required"]) == set(model.PlatformResults.__dataclass_fields__)
        assert platform["properties"]["warnings"]["items"]["enum"] == list(model.PLATFORM_WARNINGS)
        assert results["properties"]["warnings"]["items"]["enum"] == list(model.STORE_WARNINGS)
        holdout = results["properties"]["holdout"]
        assert set(holdout["required"]) == set(model.HoldoutV3.__dataclass_fields__)
        assert "platforms" in v3["properties"]["uncertainty"]["required"]
        errors = doc["components"]["schemas"]["Errors"]["properties"]["errors"]["description"]
        for key in ("`spend`", "`google_conversions`", "`tiktok_conversions`", "`orders`"):
            assert key in errors


def test_tiny_costs_and_spend_never_overflow(client):
    """Sub-cent money rounds to cents, so no figure divides into infinity."""
    body = strict_json(client.get("/api/v1/calculate?setup_cost=1e-308&monthly_cost=0").content)
    assert body["results"]["roi"] is None
    assert client.get("/api/v1/calculate?spend=1e-300").status_code == 400
    assert client.get("/?setup_cost=1e-308&monthly_cost=0").status_code == 200


class TestMethods:
    """With CSRF checks on, as browsers and scripts meet them, not off as in tests."""

    @pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
    @pytest.mark.parametrize("route", ["/api/v1/calculate", "/api/v1/openapi.json"])
    def test_other_methods_answer_405_not_a_csrf_403(self, method, route):
        from django.test import Client

        response = getattr(Client(enforce_csrf_checks=True), method)(route)
        assert response.status_code == 405
