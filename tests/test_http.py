"""Every route a good HTTP citizen: HEAD, JSON API errors with CORS, the site's own error
pages, and the files clients look for (favicon, sitemap, security.txt)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.db import DatabaseError, connection
from django.test import Client

from calculator.models import ShortLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def code():
    link, _ = ShortLink.create_for("spend=20000&v=1", 1)
    return link.code


@pytest.fixture
def quiet_client():
    """A client that gets the server's answer to an exception, as a browser does."""
    return Client(raise_request_exception=False)


class TestHead:
    PATHS = [
        "/",
        "/?spend=50000&consent=40",
        "/method/",
        "/export.csv?spend=50000",
        "/robots.txt",
        "/sitemap.xml",
        "/.well-known/security.txt",
        "/favicon.ico",
        "/api/v1/calculate?spend=5000",
        "/api/v1/openapi.json",
        "/card.png",
        "/embed/",
        "/embed.js",
        "/healthz",
    ]

    @pytest.mark.parametrize("path", PATHS)
    def test_head_answers_as_get_does_without_a_body(self, client, path):
        got = client.get(path)
        head = client.head(path)
        assert got.status_code == 200
        assert head.status_code == 200
        assert head.content == b""
        assert head["Content-Type"] == got["Content-Type"]
        if "ETag" in got:
            assert head["ETag"] == got["ETag"]

    def test_a_short_link_answers_head(self, client, code):
        assert client.head(f"/s/{code}/").status_code == 200
        assert client.head("/s/0000000/").status_code == 404


class TestApiErrors:
    def test_a_server_error_is_json_with_cors(self, quiet_client, monkeypatch):
        def fail(*args, **kwargs):
            raise DatabaseError("disk I/O error at /var/lib/postgresql")

        monkeypatch.setattr(ShortLink, "create_for", fail)
        response = quiet_client.post(
            "/api/v1/links",
            json.dumps({"query": "spend=5000"}),
            content_type="application/json",
            HTTP_ORIGIN="https://blog.example",
        )
        assert response.status_code == 500
        assert response["Content-Type"] == "application/json"
        assert response["Access-Control-Allow-Origin"] == "*"
        body = response.json()
        assert list(body["errors"]) == ["server"]
        assert "postgresql" not in response.content.decode()

    def test_a_calculation_that_fails_is_json_with_cors(self, quiet_client, monkeypatch):
        from calculator import model

        monkeypatch.setattr(model, "report", lambda *a, **k: 1 / 0)
        response = quiet_client.get("/api/v1/calculate?spend=5000")
        assert response.status_code == 500
        assert response.json()["errors"]["server"]
        assert response["Access-Control-Allow-Origin"] == "*"

    @pytest.mark.parametrize(
        ("method", "path", "status"),
        [
            ("get", "/api/v1/nothing-here", 404),
            ("get", "/api/v2/calculate", 404),
            ("put", "/api/v1/links", 405),
            ("delete", "/api/v1/calculate", 405),
            ("post", "/api/v1/openapi.json", 405),
        ],
    )
    def test_other_failures_are_json_with_cors(self, client, method, path, status):
        response = getattr(client, method)(path)
        assert response.status_code == status
        assert response["Content-Type"] == "application/json"
        assert response["Access-Control-Allow-Origin"] == "*"
        assert list(response.json()["errors"]) == ["request"]
        if status == 405:
            assert "Allow" in response
            assert response["Allow"] in response.json()["errors"]["request"][0]


class TestErrorPages:
    def test_an_unknown_page_is_the_sites_own_404(self, client):
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        page = response.content.decode()
        assert "<title>Page not found | CAPI ROI calculator</title>" in page
        assert 'class="masthead"' in page
        assert 'href="/">Back to the calculator</a>' in page
        assert response["X-Frame-Options"] == "DENY"

    def test_a_mistyped_short_link_is_the_sites_own_404(self, client):
        response = client.get("/s/0000000/")
        assert response.status_code == 404
        assert "Back to the calculator" in response.content.decode()

    def test_an_unknown_embed_is_a_frameable_404_without_cookies(self, client):
        client.cookies["sessionid"] = "stale"
        response = client.get("/embed/no-such-agency/")
        assert response.status_code == 404
        page = response.content.decode()
        assert 'href="/embed/">Open the calculator</a>' in page
        assert 'class="masthead"' not in page  # no site chrome inside another site
        assert "X-Frame-Options" not in response
        assert "frame-ancestors *" in response["Content-Security-Policy"]
        assert not response.cookies

    def test_a_server_error_is_the_sites_own_500(self, quiet_client, monkeypatch):
        from calculator import model

        monkeypatch.setattr(model, "report", lambda *a, **k: 1 / 0)
        response = quiet_client.get("/?spend=5000")
        assert response.status_code == 500
        page = response.content.decode()
        assert "<title>Something went wrong | CAPI ROI calculator</title>" in page
        assert "Back to the calculator" in page
        assert "ZeroDivisionError" not in page

    def test_a_server_error_in_the_embed_stays_frameable(self, quiet_client, monkeypatch):
        from calculator import model

        monkeypatch.setattr(model, "report", lambda *a, **k: 1 / 0)
        response = quiet_client.get("/embed/?spend=5000")
        assert response.status_code == 500
        assert "Open the calculator" in response.content.decode()
        assert "X-Frame-Options" not in response
        assert "frame-ancestors *" in response["Content-Security-Policy"]


class TestSiteFiles:
    def test_robots_names_the_sitemap(self, client):
        body = client.get("/robots.txt").content.decode()
        assert "Sitemap: http://testserver/sitemap.xml" in body.splitlines()

    def test_the_sitemap_lists_the_pages(self, client):
        response = client.get("/sitemap.xml")
        assert response["Content-Type"].startswith("application/xml")
        namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
        root = ET.fromstring(response.content)
        urls = [loc.text for loc in root.findall("s:url/s:loc", namespace)]
        assert urls[:3] == [
            "http://testserver/",
            "http://testserver/method/",
            "http://testserver/embed/builder/",
        ]
        assert all(client.get(url).status_code == 200 for url in urls)

    def test_security_txt_follows_rfc_9116(self, client, settings):
        settings.SECURITY_CONTACT = "mailto:security@roi.example"
        response = client.get("/.well-known/security.txt")
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        fields = dict(
            line.split(": ", 1) for line in response.content.decode().splitlines() if line
        )
        assert fields["Contact"] == "mailto:security@roi.example"
        expires = datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        assert timedelta(days=30) < expires - datetime.now(UTC) < timedelta(days=365)
        assert fields["Canonical"] == "http://testserver/.well-known/security.txt"

    def test_security_txt_contact_defaults_to_the_host(self, client):
        body = client.get("/.well-known/security.txt").content.decode()
        assert re.search(r"^Contact: mailto:security@testserver$", body, re.M)

    def test_the_favicon_is_an_icon(self, client):
        response = client.get("/favicon.ico")
        assert response["Content-Type"] == "image/x-icon"
        assert response.content[:4] == b"\x00\x00\x01\x00"  # the ICO header
        assert "max-age=86400" in response["Cache-Control"]
        assert response["ETag"]


@pytest.mark.django_db(transaction=True)
class TestConnectionAfterADatabaseError:
    """A connection opened while the database was read-only still answers
    SELECT 1, so Django's health check would keep it for CONN_MAX_AGE,
    refusing every write after the database recovered: a view's database
    error closes it, and the next request opens a fresh one."""

    @pytest.fixture
    def read_only_connection(self):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA query_only = ON")
            else:
                cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        yield
        connection.close()  # whatever the test did, the next one starts writable

    def post_link(self, client):
        return client.post(
            "/api/v1/links", json.dumps({"query": "spend=5000"}), content_type="application/json"
        )

    def test_the_next_request_writes(self, quiet_client, read_only_connection):
        failed = self.post_link(quiet_client)
        assert failed.status_code == 500
        assert list(failed.json()["errors"]) == ["server"]
        assert self.post_link(quiet_client).status_code in (200, 201)
        assert ShortLink.objects.count() == 1

    def test_a_failed_health_probe_does_not_keep_it_either(self, client, read_only_connection):
        assert client.get("/healthz").status_code == 503
        assert client.get("/healthz").status_code == 200
