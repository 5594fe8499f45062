"""Cache-Control, ETag and 304s on the pure GET responses, never on per-visitor ones."""

from __future__ import annotations

import pytest
from django.utils.cache import has_vary_header

from calculator.http.caching import DEFAULT_MAX_AGE

CACHED = ["/", "/?spend=50000&consent=40", "/api/v1/calculate", "/api/v1/calculate?adblock=12"]


def cache_control(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


@pytest.mark.django_db
class TestCacheableRoutes:
    @pytest.mark.parametrize("route", CACHED)
    def test_public_for_a_few_minutes(self, client, route):
        response = client.get(route)
        assert response.status_code == 200
        assert cache_control(response) == {"public", f"max-age={DEFAULT_MAX_AGE}"}

    @pytest.mark.parametrize("route", CACHED)
    def test_a_strong_etag_answers_304(self, client, route):
        first = client.get(route)
        etag = first["ETag"]
        assert etag.startswith('"')
        assert etag.endswith('"')
        again = client.get(route, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == etag
        assert cache_control(again) == cache_control(first)

    @pytest.mark.parametrize("route", CACHED)
    def test_a_stale_etag_gets_the_body(self, client, route):
        response = client.get(route, HTTP_IF_NONE_MATCH='"stale"')
        assert response.status_code == 200
        assert response.content

    def test_the_etag_follows_the_body(self, client):
        a = client.get("/api/v1/calculate?spend=100")
        b = client.get("/api/v1/calculate?spend=100")
        c = client.get("/api/v1/calculate?spend=101")
        assert a["ETag"] == b["ETag"] != c["ETag"]

    def test_head_has_the_etag_of_get(self, client):
        assert client.head("/api/v1/calculate")["ETag"] == client.get("/api/v1/calculate")["ETag"]

    def test_the_page_varies_on_htmx(self, client):
        response = client.get("/")
        assert has_vary_header(response, "HX-Request")
        # Nothing per visitor, so a CDN can keep one copy for everyone.
        assert not has_vary_header(response, "Cookie")
        assert not response.cookies

    def test_a_cross_origin_304_keeps_cors(self, client):
        etag = client.get("/api/v1/calculate")["ETag"]
        again = client.get("/api/v1/calculate", HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert again["Access-Control-Allow-Origin"] == "*"

    def test_api_errors_are_not_cached_publicly(self, client):
        response = client.get("/api/v1/calculate?spend=x")
        assert response.status_code == 400
        assert "ETag" not in response
        assert "public" not in response.get("Cache-Control", "")

    def test_the_page_with_field_errors_is_as_pure_as_any_other(self, client):
        response = client.get("/?spend=x")
        assert response.status_code == 200
        assert "public" in cache_control(response)

    def test_preflight_and_post_are_not_cached(self, client):
        assert "ETag" not in client.options("/api/v1/calculate")
        assert "ETag" not in client.post("/api/v1/calculate")


@pytest.mark.django_db
@pytest.mark.urls("tests.urls_caching")
class TestPerVisitorResponses:
    def test_a_pure_view_is_public(self, client):
        assert "public" in cache_control(client.get("/pure/"))

    @pytest.mark.parametrize("route", ["/csrf/", "/nonce/", "/cookie/", "/session/"])
    def test_per_visitor_values_make_it_private(self, client, route):
        response = client.get(route)
        assert response.status_code == 200
        assert {"private", "no-cache"} <= cache_control(response)
        assert "public" not in cache_control(response)
        assert "ETag" not in response
