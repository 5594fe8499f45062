"""Short links: stable codes, validation, the rate limit, and version-pinned results."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import jsonschema
import pytest
from django.test import Client

from calculator import model
from calculator.api import openapi
from calculator.models import ShortLink, code_digits

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    # Strict CSRF checks, as a browser without cookies meets them.
    return Client(enforce_csrf_checks=True)


def post(client, body, **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post("/api/v1/links", data, content_type="application/json", **extra)


def half_adblock_recovery():
    return {
        setup: replace(table, adblock=table.adblock / 2) for setup, table in model.RECOVERY.items()
    }


@pytest.fixture
def later_version():
    """A later model version that recovers less from ad blockers, removed afterwards."""
    number = max(model.MODELS) + 1
    model.register(model.ModelVersion2(number, recovery=half_adblock_recovery()))
    yield number
    model.VERSIONS.pop(number)
    model.MODELS.pop(number)


class TestCreate:
    def test_it_creates_then_finds_the_same_code(self, client):
        first = post(client, {"query": "spend=50000&consent=40"})
        assert first.status_code == 201
        body = first.json()
        assert re.fullmatch(r"[0-9a-z]{7}", body["code"])
        assert body["url"] == f"http://testserver/s/{body['code']}/"
        again = post(client, {"query": "?consent=40.0&spend=5e4&v=3"})
        assert again.status_code == 200
        assert again.json() == body
        assert ShortLink.objects.count() == 1
        assert "Set-Cookie" not in first.headers

    def test_it_accepts_a_link_to_this_calculator(self, client):
        code = post(client, {"query": "spend=50000"}).json()["code"]
        response = post(client, {"query": "http://testserver/?spend=50000"})
        assert response.status_code == 200
        assert response.json()["code"] == code

    def test_it_refuses_a_link_elsewhere(self, client):
        response = post(client, {"query": "https://elsewhere.example/?spend=50000"})
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["query"]

    def test_the_code_comes_from_the_canonical_query(self, client):
        code = post(client, {"query": "spend=50000"}).json()["code"]
        link = ShortLink.objects.get(code=code)
        assert code == code_digits(link.query)[:7]
        assert link.version == 3
        assert link.query.startswith("spend=50000&conversions=400&")

    def test_a_taken_prefix_is_extended(self, client):
        code = post(client, {"query": "spend=50000"}).json()["code"]
        stored = ShortLink.objects.get(code=code)
        canonical = stored.query
        # Give that code to another query, as a rare collision would.
        stored.query = "another"
        stored.save()
        response = post(client, {"query": "spend=50000"})
        assert response.status_code == 201
        assert response.json()["code"] == code_digits(canonical)[:8]

    def test_any_page_may_call_it(self, client):
        preflight = client.options("/api/v1/links", HTTP_ORIGIN="https://blog.example")
        assert preflight.status_code == 204
        assert "POST" in preflight["Access-Control-Allow-Methods"]
        assert "Content-Type" in preflight["Access-Control-Allow-Headers"]
        response = post(client, {"query": ""}, HTTP_ORIGIN="https://blog.example")
        assert response["Access-Control-Allow-Origin"] == "*"

    def test_it_rejects_get(self, client):
        assert client.get("/api/v1/links").status_code == 405


class TestValidation:
    @pytest.mark.parametrize(
        "body",
        ["{not json", "", "[1, 2]", '"spend=1"', json.dumps({"q": "spend=1"})],
    )
    def test_a_body_without_a_query_answers_400(self, client, body):
        response = post(client, body)
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["query"]

    def test_a_query_that_is_not_a_string_answers_400(self, client):
        response = post(client, {"query": {"spend": 1}})
        assert response.status_code == 400
        assert "not a string" in response.json()["errors"]["query"][0]

    def test_invalid_inputs_name_their_fields(self, client):
        response = post(client, {"query": "spend=-5&months=<script>"})
        assert response.status_code == 400
        errors = response.json()["errors"]
        assert set(errors) == {"spend", "months"}
        assert "<script>" not in response.content.decode()
        assert ShortLink.objects.count() == 0

    def test_a_too_long_query_answers_400(self, client):
        response = post(client, {"query": "a=1&" * 300})
        assert response.status_code == 400
        assert "too long" in response.json()["errors"]["query"][0]

    def test_too_many_fields_answer_400(self, client, settings):
        settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
        response = post(client, {"query": "a=1&" * 11})
        assert response.status_code == 400
        assert "too many fields" in response.json()["errors"]["query"][0]


class TestRateLimit:
    def test_new_links_beyond_the_limit_answer_429(self, client, settings):
        settings.SHORT_LINKS_PER_HOUR = 2
        assert post(client, {"query": "spend=1"}).status_code == 201
        assert post(client, {"query": "spend=2"}).status_code == 201
        response = post(client, {"query": "spend=3"})
        assert response.status_code == 429
        assert 0 < int(response["Retry-After"]) <= 3600
        assert "At most 2 new short links an hour" in response.json()["errors"]["rate_limit"][0]
        assert ShortLink.objects.count() == 2

    def test_existing_links_are_not_counted(self, client, settings):
        settings.SHORT_LINKS_PER_HOUR = 1
        assert post(client, {"query": "spend=1"}).status_code == 201
        for _ in range(3):
            assert post(client, {"query": "spend=1"}).status_code == 200

    def test_each_address_has_its_own_count(self, client, settings):
        settings.SHORT_LINKS_PER_HOUR = 1
        assert post(client, {"query": "spend=1"}, REMOTE_ADDR="10.0.0.1").status_code == 201
        assert post(client, {"query": "spend=2"}, REMOTE_ADDR="10.0.0.1").status_code == 429
        assert post(client, {"query": "spend=2"}, REMOTE_ADDR="10.0.0.2").status_code == 201


class TestShortLinkPage:
    def test_it_shows_the_stored_inputs(self, client):
        code = post(client, {"query": "spend=50000&aov=120&currency=GBP"}).json()["code"]
        response = client.get(f"/s/{code}/")
        assert response.status_code == 200
        report = response.context["report"]
        assert (report.inputs.spend, report.inputs.aov) == (50000, 120)
        direct = client.get("/?spend=50000&aov=120&currency=GBP")
        assert response.context["share"] == direct.context["share"]
        assert "£" in response.context["share"]["description"]
        assert "Set-Cookie" not in response.headers

    def test_an_unknown_code_is_404(self, client):
        assert client.get("/s/0000000/").status_code == 404
        assert client.get("/s/not-a-code/").status_code == 404


class TestVersionedLinks:
    QUERY = "spend=50000&adblock=30"

    def test_a_version_1_link_keeps_its_numbers(self, client):
        v1 = client.get(f"/api/v1/calculate?{self.QUERY}&v=1").json()
        v2 = client.get(f"/api/v1/calculate?{self.QUERY}&v=2").json()
        assert (v1["model_version"], v2["model_version"]) == (1, 2)
        assert v2["results"]["net"] != v1["results"]["net"]

        page_v1 = client.get(f"/?{self.QUERY}&v=1").context["report"]
        page_v2 = client.get(f"/?{self.QUERY}&v=2").context["report"]
        assert page_v1.results.recovered == pytest.approx(v1["results"]["recovered"])
        assert page_v2.results.recovered == pytest.approx(v2["results"]["recovered"])

        code_v1 = post(client, {"query": f"{self.QUERY}&v=1"}).json()["code"]
        code_v2 = post(client, {"query": f"{self.QUERY}&v=2"}).json()["code"]
        assert code_v1 != code_v2
        stored_v1 = client.get(f"/s/{code_v1}/").context["report"]
        stored_v2 = client.get(f"/s/{code_v2}/").context["report"]
        assert stored_v1.model_version == 1
        assert stored_v1.results.net == v1["results"]["net"]
        assert stored_v2.results.net == v2["results"]["net"]

    def test_a_later_version_changes_no_link(self, client, later_version):
        code = post(client, {"query": f"{self.QUERY}&v=2"}).json()["code"]
        latest = client.get(f"/api/v1/calculate?{self.QUERY}&v={later_version}").json()
        after = client.get(f"/s/{code}/").context["report"]
        assert after.model_version == 2
        assert latest["results"]["recovered"] < after.results.recovered


class TestOpenApi:
    def test_it_documents_the_endpoint_and_its_limit(self, client, settings):
        settings.SHORT_LINKS_PER_HOUR = 7
        doc = client.get("/api/v1/openapi.json").json()
        post_op = doc["paths"]["/api/v1/links"]["post"]
        assert set(post_op["responses"]) == {"200", "201", "400", "429", "500"}
        assert "at most 7 new links an hour" in post_op["description"]
        assert "Retry-After" in post_op["responses"]["429"]["headers"]

    def test_responses_match_the_schemas(self, client):
        doc = openapi.document()
        link = {**doc["components"]["schemas"]["Link"], "components": doc["components"]}
        errors = doc["components"]["schemas"]["Errors"]
        jsonschema.validate(post(client, {"query": "spend=9"}).json(), link)
        jsonschema.validate(post(client, {"query": "spend=x"}).json(), errors)
