"""The embed as the server renders it: display options, colours, headers, cookies."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from calculator.embeds import display as embed
from calculator.models import EmbedProfile, ShortLink
from tests.helpers import head_of, parse

pytestmark = pytest.mark.django_db

HOSTILE = [
    "red;}</style><script>alert(1)</script>",
    "<x>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "x" * 8192,
]


def get(client, query: str = "", path: str = "/embed/", **headers):
    response = client.get(f"{path}?{query}", **headers)
    assert response.status_code == 200, response.content[:500]
    return response


class TestDisplayOptions:
    def test_valid_values(self):
        display = embed.display_options(
            {"accent": "#0B57B8", "theme": "dark", "compact": "1", "hide": "losses, share,x"}
        )
        assert display.accent == "0b57b8"
        assert display.theme == "dark"
        assert display.compact is True
        assert display.hide == {"losses", "share"}

    @pytest.mark.parametrize(
        ("given", "expected"),
        [("f80", "ff8800"), ("#f80", "ff8800"), ("0b57b8", "0b57b8"), (" #ABCDEF ", "abcdef")],
    )
    def test_accent_forms(self, given, expected):
        assert embed.parse_accent(given) == expected

    @pytest.mark.parametrize("value", [*HOSTILE, "#12345", "#1234567", "ggg", "", "0x123"])
    def test_invalid_values_are_ignored(self, value):
        display = embed.display_options(
            {"accent": value, "theme": value, "compact": value, "hide": value}
        )
        assert display == embed.Display()

    def test_a_repeated_key_is_ignored(self, rf):
        request = rf.get("/embed/?theme=dark&theme=light&accent=fff&accent=000")
        display = embed.display_options(request.GET)
        assert display.theme == "auto"
        assert display.accent is None

    @pytest.mark.parametrize("frame", ["a", "Frame_1-x", "z" * 64])
    def test_frame_ids(self, frame):
        assert embed.display_options({"frame": frame}).frame == frame

    @pytest.mark.parametrize("frame", [*HOSTILE, "z" * 65, "a b", "a/b", "é", "a.b"])
    def test_bad_frame_ids(self, frame):
        assert embed.display_options({"frame": frame}).frame is None

    def test_the_profile_accent_yields_to_a_valid_query_accent_only(self):
        assert embed.display_options({"accent": "112233"}, "445566").accent == "112233"
        assert embed.display_options({"accent": "nope"}, "445566").accent == "445566"


class TestColours:
    def test_contrast_of_black_on_white(self):
        assert embed.contrast("000000", "ffffff") == pytest.approx(21)

    def test_a_light_accent_is_darkened_for_light_backgrounds(self):
        adjusted = embed.readable("ffdd00", embed.LIGHT_BACKGROUNDS)
        assert adjusted != "ffdd00"
        assert all(embed.contrast(adjusted, bg) >= 4.5 for bg in embed.LIGHT_BACKGROUNDS)

    def test_a_dark_enough_accent_is_kept(self):
        assert embed.readable("0b57b8", embed.LIGHT_BACKGROUNDS) == "0b57b8"

    @given(st.from_regex(r"[0-9a-f]{6}", fullmatch=True))
    def test_every_accent_becomes_readable_with_readable_ink(self, digits):
        for backgrounds in (embed.LIGHT_BACKGROUNDS, embed.DARK_BACKGROUNDS):
            colour = embed.readable(digits, backgrounds)
            assert all(embed.contrast(colour, bg) >= 4.5 for bg in backgrounds)
            assert embed.contrast(colour, embed.ink(colour)) >= 4.5


class TestEmbedPage:
    def test_it_has_the_calculator_without_the_site_chrome(self, client, defaults):
        html = get(client).content.decode()
        assert 'data-decision="pays"' in html
        assert f"by {defaults.breakeven_text};" in html
        for chrome in ('class="masthead"', 'class="footer"', 'class="intro"', "Start from:"):
            assert chrome not in html
        assert 'rel="noopener">Powered by CAPI ROI calculator</a>' in html

    def test_the_form_answers_to_the_embed_and_keeps_the_display_options(self, client):
        html = get(client, "spend=20000&accent=f80&theme=dark&compact=1&hide=share&frame=f1")
        tags = parse(html.content.decode()).tags
        form = next(attrs for tag, attrs in tags if tag == "form")
        assert form["action"] == "/embed/"
        assert form["data-hx-get"] == "/embed/"
        hidden = {
            a["name"]: a["value"] for t, a in tags if t == "input" and a.get("type") == "hidden"
        }
        assert hidden == {
            "v": "3",
            "ads": "",
            "accent": "ff8800",
            "theme": "dark",
            "compact": "1",
            "hide": "share",
            "frame": "f1",
        }
        body = next(attrs for tag, attrs in tags if tag == "body")
        assert body["class"] == "embed theme-dark embed--compact"

    def test_prefill_comes_from_the_query(self, client):
        html = get(client, "spend=20000&currency=EUR").content.decode()
        assert 'name="spend" type="text" inputmode="decimal" autocomplete="off" ' in html
        assert 'value="20000"' in html
        assert "&quot;currency&quot;: &quot;EUR&quot;" in html  # the figures' data

    def test_links_that_leave_open_a_new_tab(self, client):
        tags = parse(get(client, "spend=20000").content.decode()).tags
        leaving = [
            a for t, a in tags if t == "a" and not (a.get("href") or "").startswith(("#", "/", "?"))
        ]
        assert leaving
        for attrs in leaving:
            assert attrs.get("target") == "_blank", attrs
            assert "noopener" in attrs.get("rel", ""), attrs

    def test_hidden_sections_are_left_out(self, client):
        full = get(client).content.decode()
        # Every result can be shared, the bare embed's default one too.
        assert "What each platform will report" in full
        assert "Share this result" in full
        with_result = get(client, "spend=20000").content.decode()
        assert "Share this result" in with_result
        assert "Download CSV" in with_result
        html = get(client, "spend=20000&hide=" + ",".join(embed.SECTIONS)).content.decode()
        for words in (
            "Can a holdout test prove it?",
            "What each platform will report",
            'id="compare"',
            "Purchases lost today",
            "Cumulative cash flow",
            "What moves the result most",
            "Share this result",
            "Download CSV",
        ):
            assert words not in html
        assert 'data-decision="pays"' in html  # the verdict stays

    def test_a_host_can_fix_the_platforms(self, client):
        """hide=platforms: no choice of platforms, those the link sets stay, sent as set."""
        query = "spend=20000&ads=meta&ads=google&google_spend=5000&google_conversions=80"
        html = get(client, query + "&hide=platforms").content.decode()
        tags = parse(html).tags
        assert "Where do you advertise?" not in html
        assert not any(a.get("data-platform-toggle") is not None for _, a in tags)
        sent = [a.get("value") for t, a in tags if t == "input" and a.get("name") == "ads"]
        assert sent == ["", "meta", "google"]
        platforms = [a["data-platform"] for t, a in tags if "data-platform" in a]
        assert platforms == ["meta", "google"]  # TikTok, not set, has no fields
        assert 'name="google_spend"' in html
        assert 'name="tiktok_spend"' not in html
        # The verdict speaks for both, as without the option.
        assert "Meta and Google Ads" in html
        # A bare link keeps Meta alone.
        bare = parse(get(client, "hide=platforms").content.decode()).tags
        assert [a["data-platform"] for t, a in bare if "data-platform" in a] == ["meta"]

    def test_the_page_itself_hides_nothing(self, client):
        html = client.get("/?spend=20000").content.decode()
        for words in ("What each platform will report", "What moves the result most", "CSV"):
            assert words in html

    def test_the_results_carry_their_figures_as_data(self, client, defaults):
        tags = parse(get(client, "v=2").content.decode()).tags
        figures = json.loads(next(a for t, a in tags if "data-figures" in a)["data-figures"])
        assert figures["breakeven_cpa_gain"] == pytest.approx(defaults.breakeven_cpa_gain, abs=5e-5)
        assert figures["monthly_benefit"] == pytest.approx(962.19, abs=0.01)
        assert figures["roi"] == pytest.approx(3.10, abs=0.01)
        assert figures["payback_month"] == 3
        assert 0 <= figures["probability_positive"] <= 1
        assert figures["currency"] == "USD"

    def test_htmx_gets_the_results_only(self, client):
        response = get(client, "spend=20000&hide=share", HTTP_HX_REQUEST="true")
        html = response.content.decode()
        assert 'data-decision="pays"' in html
        assert "<form" not in html
        assert "Share this result" not in html
        assert "HX-Request" in response["Vary"]

    def test_an_invalid_htmx_request_swaps_nothing(self, client):
        response = get(client, "margin=140", HTTP_HX_REQUEST="true")
        assert response["HX-Reswap"] == "none"
        assert "between 0% and 100%" in response.content.decode()

    def test_the_accent_comes_from_a_stylesheet(self, client):
        tags = parse(get(client, "accent=%230B57B8").content.decode()).tags
        sheets = [a["href"] for t, a in tags if t == "link" and a.get("rel") == "stylesheet"]
        assert sheets[-1] == "/embed/theme.css?accent=0b57b8&v=1"
        assert not any("style" in a for _, a in tags)

    def test_without_an_accent_there_is_no_theme_stylesheet(self, client):
        assert "/embed/theme.css" not in get(client, "accent=blue").content.decode()

    @pytest.mark.parametrize("value", HOSTILE)
    def test_hostile_display_values_never_reach_the_page(self, client, value):
        query = "&".join(f"{k}={value}" for k in embed.DISPLAY_KEYS)
        html = get(client, query).content.decode()
        assert "alert(1)" not in html
        assert "<x>" not in html
        assert "xxxxxxxx" not in html
        assert 'class="embed"' in html
        assert "theme.css" not in html

    @pytest.mark.parametrize("value", HOSTILE)
    def test_hostile_inputs_are_errors_not_markup(self, client, value):
        response = client.get("/embed/", {"spend": value, "currency": value})
        assert response.status_code == 200
        html = response.content.decode()
        if any(c in value for c in '<>"'):
            assert value not in html  # present only escaped, as a field's value
        assert "<script>alert" not in html
        assert "<x>" not in html
        assert "<img" not in html


class TestThemeStylesheet:
    def test_it_sets_the_accent_and_its_ink(self, client):
        response = client.get("/embed/theme.css?accent=0b57b8&v=1")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/css; charset=utf-8"
        assert "max-age=31536000" in response["Cache-Control"]
        css = response.content.decode()
        assert "body.embed { --accent: #0b57b8; --accent-ink: #ffffff; }" in css
        assert "body.embed.theme-dark" in css

    def test_a_pale_accent_is_darkened_for_text(self, client):
        css = client.get("/embed/theme.css?accent=ffff00").content.decode()
        light = re.search(r"body\.embed \{ --accent: #([0-9a-f]{6})", css).group(1)
        assert light != "ffff00"
        assert embed.contrast(light, "ffffff") >= 4.5

    @pytest.mark.parametrize("value", [*HOSTILE, ""])
    def test_an_invalid_accent_answers_400_without_echoing_it(self, client, value):
        response = client.get("/embed/theme.css", {"accent": value})
        assert response.status_code == 400
        assert response["Content-Type"] == "text/css; charset=utf-8"
        body = response.content.decode()
        assert "<" not in body
        assert "alert" not in body
        assert "xxxx" not in body


class TestLoaderAndBuilder:
    def test_the_loader_has_a_stable_address(self, client):
        response = client.get("/embed.js")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/javascript; charset=utf-8"
        assert response["Cache-Control"] == "public, max-age=3600"
        body = response.content.decode()
        assert "capi-roi:resize" in body
        assert "event.source !== iframe.contentWindow" in body

    def test_the_builder_makes_a_snippet_of_valid_choices(self, client):
        response = client.get(
            "/embed/builder/?spend=20000&margin=abc&accent=%23ff8800&theme=dark"
            "&hide=share&hide=losses&hide=bogus&height=700"
        )
        assert response.status_code == 200
        tags = parse(response.content.decode()).tags
        code = response.content.decode().split('id="embed-code"')[1].split("</textarea>")[0]
        assert "&lt;iframe " in code
        assert "<iframe" not in code
        snippet = html.unescape(code.split(">", 1)[1])
        frame = parse(snippet).tags[0]
        assert frame == (
            "iframe",
            {
                "src": "http://testserver/embed/?spend=20000&accent=ff8800&theme=dark"
                "&hide=losses%2Cshare&frame=capi-roi",
                "title": "CAPI ROI calculator",
                "loading": "lazy",
                "style": "display:block;max-width:100%;border:0;width:100%",
                "height": "700",
                "allow": "clipboard-write",
                "data-capi-roi": None,
            },
        )
        assert '<script src="http://testserver/embed.js" async></script>' in snippet
        assert "margin" not in frame[1]["src"]  # invalid: named in the form, left out
        assert "Contribution margin must be" in response.content.decode()
        preview = [a for t, a in tags if t == "iframe"][0]
        assert preview["src"].startswith("/embed/?spend=20000&")
        assert preview["src"].endswith("frame=capi-roi-preview")

    def test_the_site_accent_is_not_repeated_in_the_snippet(self, client):
        response = client.get("/embed/builder/?accent=%230b57b8&height=99999")
        assert "accent=" not in response.content.decode().split('id="embed-code"')[1]
        assert 'height="4000"' in response.content.decode()

    def test_the_builder_starts_from_a_profile(self, client):
        EmbedProfile.objects.create(
            slug="acme", agency_name="Acme", accent="#123456", default_inputs="spend=7000"
        )
        html_text = client.get("/embed/builder/?profile=acme").content.decode()
        assert "http://testserver/embed/acme/?spend=7000&amp;amp;frame=capi-roi" in html_text
        assert 'value="#123456"' in html_text
        assert client.get("/embed/builder/?profile=nobody").status_code == 404

    def test_htmx_gets_the_output_only(self, client):
        response = client.get("/embed/builder/?spend=5000", HTTP_HX_REQUEST="true")
        text = response.content.decode()
        assert 'id="builder-output"' in text
        assert "<form" not in text
        assert "spend=5000" in text

    @pytest.mark.parametrize("value", HOSTILE)
    def test_hostile_builder_values(self, client, value):
        response = client.get("/embed/builder/", dict.fromkeys(("spend", "accent", "theme"), value))
        assert response.status_code == 200
        text = response.content.decode()
        assert "<script>alert" not in text
        assert "<x>" not in text
        assert "<img src=x" not in text


class TestOembed:
    def test_discovery_link_on_the_page_and_results(self, client):
        for query in ("", "?spend=20000"):
            head = head_of(client.get(f"/{query}"))
            href = head.links["alternate"]
            parts = urlsplit(href)
            assert parts.path == "/oembed"
            found = parse_qs(parts.query)
            assert found["format"] == ["json"]
            assert found["url"][0].startswith("http://testserver/")
            assert ("spend=20000" in found["url"][0]) == bool(query)

    def test_a_result_answers_its_embed(self, client):
        url = "http://testserver/?spend=20000&margin=30"
        response = client.get("/oembed", {"url": url, "format": "json"})
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == "*"
        body = response.json()
        assert {k: body[k] for k in ("type", "version", "width", "height")} == {
            "type": "rich",
            "version": "1.0",
            "width": 800,
            "height": 1400,
        }
        assert body["provider_url"] == "http://testserver/"
        assert body["title"]
        frame = parse(body["html"]).tags[0]
        assert frame[0] == "iframe"
        src = urlsplit(frame[1]["src"])
        assert src.netloc == "testserver"
        assert src.path == "/embed/"
        assert "spend=20000" in src.query
        assert "margin=30" in src.query
        assert "v=3" in src.query

    def test_a_short_link_answers_its_result(self, client):
        link, _ = ShortLink.create_for("spend=30000&v=1", 1)
        body = client.get("/oembed", {"url": f"http://testserver/s/{link.code}/"}).json()
        assert "spend=30000" in body["html"]

    def test_maxwidth_and_maxheight_are_respected(self, client):
        body = client.get(
            "/oembed", {"url": "http://testserver/", "maxwidth": "500", "maxheight": "600"}
        ).json()
        assert (body["width"], body["height"]) == (500, 600)
        assert 'width="500" height="600"' in body["html"]
        assert "frame=capi-roi" in body["html"]
        assert "?&" not in body["html"]

    @pytest.mark.parametrize(
        "url",
        [
            "https://evil.example/?spend=2",
            "http://testserver/method/",
            "http://testserver/s/nope/",
            "http://testserver/?spend=abc",
            "http://testserver/embed/",
            "javascript:alert(1)",
            "",
            "http://testserver/" + "x" * 3000,
        ],
    )
    def test_unknown_or_foreign_urls_are_not_found(self, client, url):
        assert client.get("/oembed", {"url": url}).status_code == 404

    def test_only_json(self, client):
        response = client.get("/oembed", {"url": "http://testserver/", "format": "xml"})
        assert response.status_code == 501


def test_the_builder_prefills_the_integration(client):
    html = client.get("/embed/builder/?integration=shopify").content.decode()
    assert "integration=shopify" in html  # in the snippet's address
    assert "Default (custom backend)" in html


def test_the_builder_fields_are_the_calculators_own(client):
    """The same label, unit, hint and message as the calculator's form, with
    ids of their own and the default shown where the field is left empty."""
    markup = client.get("/embed/builder/?margin=abc&currency=EUR").content.decode()
    tags = parse(markup)
    spend = next(a for t, a in tags.tags if t == "input" and a.get("id") == "b-spend")
    assert spend["value"] == ""
    assert spend["placeholder"] == "20000"
    assert spend["aria-describedby"] == "b-spend-hint b-spend-error"
    margin = next(a for t, a in tags.tags if t == "input" and a.get("id") == "b-margin")
    assert margin["value"] == "abc"
    assert margin["aria-invalid"] == "true"
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", markup)))
    assert "Monthly Meta ad spend (EUR)" in text
    assert "What you spend on Meta ads in a month. Allowed: between 0 and 1 billion." in text
    assert "Contribution margin must be a number between 0% and 100%" in text
    ids = [a["id"] for _, a in tags.tags if "id" in a]
    assert len(ids) == len(set(ids))


def test_the_loader_accepts_the_frame_ids_the_server_accepts():
    """The loader runs on other sites before any answer: its own copy of the
    rule must be the server's (embed-frame.js reads the id the server kept)."""
    loader = (Path(settings.BASE_DIR) / "static" / "js" / "embed.js").read_text()
    pattern = re.search(r"var valid = /\^(.+)\$/;", loader).group(1)
    assert pattern == embed.FRAME_ID.pattern
    frame = (Path(settings.BASE_DIR) / "static" / "js" / "embed-frame.js").read_text()
    assert embed.FRAME_ID.pattern not in frame
