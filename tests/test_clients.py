"""What real clients check: ETags and 304s, uncompressed PNGs, an OpenAPI document that
Redocly passes without a warning, Open Graph on /method/, oEmbed thumbnails."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from calculator.models import ShortLink

from .helpers import head_of

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
REDOCLY = ROOT / "node_modules" / ".bin" / "redocly"


class TestETags:
    @pytest.mark.parametrize(
        "path",
        [
            "/method/",
            "/embed.js",
            "/embed/theme.css?accent=123456&v=1",
            "/api/v1/openapi.json",
            "/robots.txt",
            "/sitemap.xml",
        ],
    )
    def test_a_strong_etag_and_a_304(self, client, path):
        etag = client.get(path)["ETag"]
        assert etag.startswith('"')  # strong: not W/
        again = client.get(path, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert again.content == b""
        # Gzipped, the tag is weak (other bytes), and still answers 304.
        zipped = client.get(path, HTTP_ACCEPT_ENCODING="gzip")["ETag"]
        again = client.get(path, HTTP_IF_NONE_MATCH=zipped, HTTP_ACCEPT_ENCODING="gzip")
        assert again.status_code == 304

    def test_the_loader_and_theme_keep_their_lifetimes(self, client):
        assert "max-age=3600" in client.get("/embed.js")["Cache-Control"]
        theme = client.get("/embed/theme.css?accent=123456&v=1")["Cache-Control"]
        assert "max-age=31536000" in theme
        assert "immutable" in theme

    def test_the_api_document_keeps_cors_on_a_304(self, client):
        etag = client.get("/api/v1/openapi.json")["ETag"]
        again = client.get("/api/v1/openapi.json", HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert again["Access-Control-Allow-Origin"] == "*"


class TestPngs:
    @pytest.mark.parametrize("path", ["/card.png", "/card.png?spend=50000"])
    def test_cards_are_not_gzipped_and_keep_a_strong_etag(self, client, path):
        response = client.get(path, HTTP_ACCEPT_ENCODING="gzip, br", follow=True)
        assert response["Content-Type"] == "image/png"
        assert "Content-Encoding" not in response
        assert response.content.startswith(b"\x89PNG")
        assert response["ETag"].startswith('"')

    def test_text_is_still_gzipped(self, client):
        response = client.get("/method/", HTTP_ACCEPT_ENCODING="gzip")
        assert response["Content-Encoding"] == "gzip"


class TestOpenApi:
    def test_servers_security_and_conditional_answers_are_declared(self, client):
        doc = client.get("/api/v1/openapi.json").json()
        assert doc["servers"] == [{"url": "http://testserver"}]
        assert doc["security"] == []
        calculate = doc["paths"]["/api/v1/calculate"]["get"]
        assert "304" in calculate["responses"]
        assert "ETag" in calculate["responses"]["200"]["headers"]
        assert any(p["name"] == "If-None-Match" for p in calculate["parameters"])
        links = doc["paths"]["/api/v1/links"]["post"]
        assert "Retry-After" in links["responses"]["429"]["headers"]
        assert "500" in links["responses"]

    def test_redocly_finds_no_error_and_no_warning(self, client, tmp_path):
        assert REDOCLY.exists(), "npm ci installs @redocly/cli (scripts/bootstrap)"
        document = tmp_path / "openapi.json"
        document.write_bytes(client.get("/api/v1/openapi.json").content)
        result = subprocess.run(
            [str(REDOCLY), "lint", str(document), "--format=json"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            env={"PATH": "/usr/local/bin:/usr/bin:/bin", "REDOCLY_TELEMETRY": "off"},
        )
        report = json.loads(result.stdout)
        problems = [f"{p['ruleId']}: {p['message']}" for p in report["problems"]]
        assert report["totals"] == {"errors": 0, "warnings": 0, "ignored": 0}, problems
        assert result.returncode == 0


class TestMethodPage:
    def test_it_unfurls_with_its_own_title_and_the_card(self, client):
        head = head_of(client.get("/method/"))
        assert head.meta["og:title"] == "How the CAPI ROI calculator works | CAPI ROI calculator"
        assert head.meta["og:url"] == "http://testserver/method/"
        assert head.meta["og:image"] == "http://testserver/card.png"
        assert head.meta["og:image:width"] == "1200"
        assert head.meta["twitter:card"] == "summary_large_image"
        assert head.meta["description"].startswith("The method behind")
        assert head.links["canonical"] == "http://testserver/method/"
        assert "alternate" not in head.links  # oEmbed is for results only


class TestOEmbedThumbnail:
    def test_a_result_has_its_card_as_thumbnail(self, client):
        link, _ = ShortLink.create_for("spend=20000&v=1", 1)
        body = client.get("/oembed", {"url": f"http://testserver/s/{link.code}/"}).json()
        assert body["thumbnail_url"].startswith("http://testserver/card.png?spend=20000&")
        assert (body["thumbnail_width"], body["thumbnail_height"]) == (1200, 630)
        card = client.get(body["thumbnail_url"])  # the canonical card: no redirect
        assert card.status_code == 200
        assert card["Content-Type"] == "image/png"

    def test_the_bare_page_has_the_generic_card(self, client):
        body = client.get("/oembed", {"url": "http://testserver/"}).json()
        assert body["thumbnail_url"] == "http://testserver/card.png"

    def test_no_thumbnail_larger_than_the_consumer_allows(self, client):
        body = client.get("/oembed", {"url": "http://testserver/", "maxwidth": "600"}).json()
        assert "thumbnail_url" not in body
        assert body["width"] == 600
