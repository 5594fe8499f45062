"""Cache-Control, ETag and 304s on the pure GET responses, never on per-visitor ones."""

from __future__ import annotations

import gzip

import pytest
from django.http import HttpResponse
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


@pytest.mark.django_db
class TestRepeats:
    """Nothing keeps a rendered answer in the app: a repeat is rendered again,
    to the same bytes and headers, which is what lets nginx or a CDN answer it."""

    @pytest.mark.parametrize("url", ["/", "/?spend=50000&v=2", "/embed/?spend=9000&theme=dark"])
    def test_a_repeat_gets_the_same_bytes_and_headers(self, client, url):
        first, second = client.get(url), client.get(url)
        assert first.status_code == second.status_code == 200
        assert first.content == second.content
        for header in (
            "ETag",
            "Cache-Control",
            "Content-Security-Policy",
            "Vary",
            "Content-Type",
            "X-Frame-Options",
        ):
            assert first.get(header) == second.get(header), header

    def test_each_variant_has_bytes_of_its_own(self, client):
        page = client.get("/?spend=50000")
        partial = client.get("/?spend=50000", HTTP_HX_REQUEST="true")
        other = client.get("/?spend=50001")
        assert len({page.content, partial.content, other.content}) == 3
        assert len({page["ETag"], partial["ETag"], other["ETag"]}) == 3
        assert b"50001" in other.content
        assert b"50001" not in page.content

    @pytest.mark.parametrize(
        "path", ["/", "/?spend=50000", "/de/?spend=50000", "/embed/?spend=9000"]
    )
    def test_an_ads_click_keys_change_nothing(self, client, path):
        """Nothing reads an ad's click id or utm_ keys, so nginx's cache key
        leaves them out (deploy/nginx.conf): every click shares one entry."""
        join = "&" if "?" in path else "?"
        plain = client.get(path, HTTP_SEC_FETCH_SITE="same-origin")
        for n in range(2):
            click = client.get(
                f"{path}{join}fbclid=IwAR{n}&utm_source=meta", HTTP_SEC_FETCH_SITE="same-origin"
            )
            assert click.content == plain.content
            assert click["ETag"] == plain["ETag"]
        assert b"IwAR" not in plain.content

    def test_the_apis_figures_are_the_same_in_every_language(self, client):
        """A 200 is the same bytes whatever the asker's language; a refusal is
        worded in it, and never cached publicly."""
        answers = [
            client.get("/api/v1/calculate?spend=3000", HTTP_ACCEPT_LANGUAGE=language)
            for language in ("en", "de", "fr", "es")
        ]
        assert len({answer.content for answer in answers}) == 1
        assert len({answer["ETag"] for answer in answers}) == 1
        refusals = [
            client.get("/api/v1/calculate?spend=-1", HTTP_ACCEPT_LANGUAGE=language)
            for language in ("en", "de")
        ]
        assert refusals[0].content != refusals[1].content
        assert all("public" not in r.get("Cache-Control", "") for r in refusals)


@pytest.mark.django_db
class TestGzip:
    @pytest.mark.parametrize(
        "url", ["/?spend=50000", "/embed/?spend=9000", "/api/v1/calculate?spend=7000"]
    )
    def test_the_gzipped_answer_is_the_same_with_a_weak_etag(self, client, url):
        plain = client.get(url)
        zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert "Content-Encoding" not in plain
        assert zipped["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped.content) == plain.content
        assert int(zipped["Content-Length"]) == len(zipped.content)
        for answer in (plain, zipped):
            assert has_vary_header(answer, "Accept-Encoding")
        # Other bytes, the same answer: the tag turns weak (RFC 9110 8.8.1), and
        # Django compares If-None-Match weakly, so either tag revalidates either way.
        assert zipped["ETag"] == "W/" + plain["ETag"]
        for tag in (zipped["ETag"], plain["ETag"]):
            for encoding in ("gzip", "identity"):
                again = client.get(url, HTTP_ACCEPT_ENCODING=encoding, HTTP_IF_NONE_MATCH=tag)
                assert again.status_code == 304, (tag, encoding)
                assert again.content == b""

    def test_gzipped_bytes_differ_per_request_and_the_etag_does_not(self, client):
        """Django pads every gzipped body with random bytes (against BREACH), so
        caches in front keep one of many equal encodings, under one tag."""
        answers = [client.get("/?spend=50000", HTTP_ACCEPT_ENCODING="gzip") for _ in range(5)]
        assert len({answer.content for answer in answers}) > 1
        assert len({gzip.decompress(answer.content) for answer in answers}) == 1
        assert len({answer["ETag"] for answer in answers}) == 1

    @pytest.mark.parametrize(
        ("content_type", "compressed"),
        [
            ("image/png", False),
            ("image/webp", False),
            ("image/svg+xml", True),
            ("text/html; charset=utf-8", True),
        ],
    )
    def test_images_are_sent_as_they_are(self, rf, content_type, compressed):
        from calculator.http.compression import GZipMiddleware

        body = b"\x89PNG" + bytes(1000)  # gzip would take nearly all of it off

        def view(request):
            return HttpResponse(body, content_type=content_type)

        response = GZipMiddleware(view)(rf.get("/", HTTP_ACCEPT_ENCODING="gzip"))
        assert (response.get("Content-Encoding") == "gzip") == compressed
        assert (response.content == body) != compressed


@pytest.mark.django_db
def test_a_profile_embed_counts_every_view_and_shows_an_edit_at_once(client):
    from calculator.models import EmbedDailyStat, EmbedProfile

    profile = EmbedProfile.objects.create(slug="acme", agency_name="Acme Growth")
    first = client.get("/embed/acme/?spend=6000")
    client.get("/embed/acme/?spend=6000")
    client.get("/embed/acme/?spend=6000", HTTP_IF_NONE_MATCH=first["ETag"])
    client.get("/embed/acme/?spend=6500", HTTP_HX_REQUEST="true")
    client.get("/embed/acme/?spend=6500", HTTP_HX_REQUEST="true")
    stat = EmbedDailyStat.objects.get(profile=profile)
    assert (stat.views, stat.calculations) == (3, 2)

    profile.agency_name = "Acme Growth Partners"
    profile.save()
    edited = client.get("/embed/acme/?spend=6000")
    assert b"Acme Growth Partners" in edited.content
    assert edited["ETag"] != first["ETag"]
