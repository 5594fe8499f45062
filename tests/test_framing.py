"""Who may frame what, and which responses may set cookies, on every route."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from calculator.models import EmbedProfile, ShortLink

pytestmark = pytest.mark.django_db

EMBED_NAMES = {"embed", "embed-alias", "embed-profile", "embed-theme", "embed-js"}


def route_names() -> set[str]:
    """The names of the URL conf's own routes (the admin's are one include)."""
    names = set()
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLPattern):
            names.add(entry.name)
        elif isinstance(entry, URLResolver):
            names.add(entry.app_name or entry.namespace)
    return names


@pytest.fixture
def profile():
    return EmbedProfile.objects.create(
        slug="acme",
        agency_name="Acme Growth",
        accent="#123456",
        allowed_origins="https://acme.example\nhttps://shop.acme.example:8443",
    )


@pytest.fixture
def short_code():
    link, _ = ShortLink.create_for("spend=20000&v=1", 1)
    return link.code


# One request for every route that is not the embed's; a new route fails the
# completeness test below until it is listed here.
def site_requests(code: str) -> dict[str, tuple[str, str, dict]]:
    return {
        "calculator": ("get", "/", {}),
        "method": ("get", "/method/", {}),
        "export-csv": ("get", "/export.csv", {}),
        "robots": ("get", "/robots.txt", {}),
        "sitemap": ("get", "/sitemap.xml", {}),
        "security-txt": ("get", "/.well-known/security.txt", {}),
        "favicon": ("get", "/favicon.ico", {}),
        "api-calculate": ("get", "/api/v1/calculate", {}),
        "api-openapi": ("get", "/api/v1/openapi.json", {}),
        "api-links": ("post", "/api/v1/links", {"data": "{}", "content_type": "application/json"}),
        "card": ("get", "/card.png", {}),
        "short-link": ("get", f"/s/{code}/", {}),
        "share": ("get", "/share/linkedin/?spend=abc", {}),
        "admin": ("get", "/admin/", {}),
        "admin-login": ("get", "/admin/login/", {}),
        "healthz": ("get", "/healthz", {}),
        "embed-builder": ("get", "/embed/builder/", {}),
        "oembed": ("get", "/oembed?url=http://testserver/&format=json", {}),
        "agency": ("get", "/agency/", {}),
        None: ("get", "/accounts/login/", {}),  # the accounts' pages (one include)
    }


def embed_requests(slug: str) -> dict[str, list[tuple[str, dict]]]:
    htmx = {"HTTP_HX_REQUEST": "true"}
    return {
        "embed": [("/embed/", {}), ("/embed/?spend=2", htmx), ("/embed/?margin=140", htmx)],
        "embed-alias": [("/embed/server-side-roi-calculator", {})],
        "embed-profile": [(f"/embed/{slug}/", {}), (f"/embed/{slug}/?spend=2", htmx)],
        "embed-theme": [("/embed/theme.css?accent=123456", {}), ("/embed/theme.css", {})],
        "embed-js": [("/embed.js", {})],
        "embed-lead": [(f"/embed/{slug}/lead/", {})],
        "embed-logo": [(f"/embed/{slug}/logo.png", {})],
        "embed-link": [(f"/embed/{slug}/link/", {})],
        "embed-logo-dark": [(f"/embed/{slug}/logo-dark.png", {})],
    }


def test_every_route_is_checked(profile, short_code):
    listed = set(site_requests(short_code)) | set(embed_requests(profile.slug))
    assert route_names() <= listed


def test_every_other_route_denies_framing(client, short_code):
    for name, (method, path, kwargs) in site_requests(short_code).items():
        response = getattr(client, method)(path, **kwargs)
        assert response.status_code < 500, name
        assert response["X-Frame-Options"] == "DENY", name
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], name


def test_the_embed_may_be_framed_by_any_site(client):
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.get("/embed/", **headers)
        assert "X-Frame-Options" not in response
        policy = response["Content-Security-Policy"]
        assert "frame-ancestors *" in policy
        # Everything else stays as strict as on the site.
        assert "script-src 'self';" in policy
        assert "unsafe" not in policy
        assert "connect-src 'self'" in policy
        assert "Cross-Origin-Embedder-Policy" not in response
        assert response["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_every_embed_header_is_a_plain_string(client, profile):
    """WSGI servers take header names and values of type str only (a str
    subclass such as Django's CSP enum is refused, and the visitor gets a 500)."""
    for path in ("/embed/", f"/embed/{profile.slug}/", "/embed/nope/"):
        for name, value in client.get(path).items():
            assert type(name) is str, (path, name)
            assert type(value) is str, (path, name)


def test_a_profile_is_framed_by_its_sites_only(client, profile):
    response = client.get("/embed/acme/")
    assert "X-Frame-Options" not in response
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors https://acme.example https://shop.acme.example:8443" in policy
    assert "frame-ancestors *" not in policy


def test_a_profile_without_sites_is_framed_anywhere(client, profile):
    profile.allowed_origins = ""
    profile.save()
    assert "frame-ancestors *" in client.get("/embed/acme/")["Content-Security-Policy"]


def test_no_embed_response_sets_a_cookie(client, profile):
    # A stale session cookie and a CSRF cookie, as a first-party visitor would
    # send them: the session middleware would answer the first with a deletion.
    client.cookies["sessionid"] = "stale"
    client.cookies["csrftoken"] = "x" * 32
    client.cookies["messages"] = "junk"
    for name, requests in embed_requests(profile.slug).items():
        for path, headers in requests:
            for method in ("get", "head", "options"):
                response = getattr(client, method)(path, **headers)
                assert response.status_code < 500, (name, path, method)
                assert not response.cookies, (name, path, method, response.cookies)
                assert "Set-Cookie" not in response, (name, path, method)


def test_the_site_itself_may_still_set_cookies(client, admin_user):
    # The guard is the embed's only: the admin's login keeps its cookies.
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": "password"}
    )
    assert response.status_code == 302
    assert "sessionid" in response.cookies


class TestRevalidationAndStaleCookies:
    def test_an_embeds_304_still_lets_other_sites_frame_it(self, client, profile):
        for path in ("/embed/?spend=1000", f"/embed/{profile.slug}/"):
            first = client.get(path)
            again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
            assert again.status_code == 304, path
            assert "X-Frame-Options" not in again, path
            assert again["Content-Security-Policy"] == first["Content-Security-Policy"], path
            assert "frame-ancestors 'none'" not in again["Content-Security-Policy"], path
            assert again["Access-Control-Allow-Origin"] == "*", path
            assert not again.cookies, path

    def test_a_profile_stored_with_bad_origins_fails_closed(self, client):
        EmbedProfile.objects.create(
            slug="bad", agency_name="Bad", allowed_origins="https://agency.example/path"
        )
        csp = client.get("/embed/bad/")["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp

    @pytest.mark.parametrize("path", ["/embed/nope/", "/embed/", "/", "/api/v1/calculate"])
    def test_a_stale_session_cookie_gets_no_deletion_cookie(self, client, path):
        client.cookies["sessionid"] = "stale"
        response = client.get(path)
        assert response.status_code in (200, 404)
        assert "sessionid" not in response.cookies
