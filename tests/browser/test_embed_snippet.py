"""Every variant of the snippet on another site's page: no border, no sideways scroll.

The builder's snippet, a profile's (from the agency's dashboard) and oEmbed's
`html` are pasted into a host page on 127.0.0.1 while the embed comes from the
live server on localhost, and looked at in a phone's, a tablet's and a wide
desktop's window.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser

from tests.agency_helpers import make_agency, make_profile

from .test_embed import HostSite, snippet_from_builder

WIDTHS = (360, 768, 1400)

# A host column as agencies' pages have them: padded, centred, narrower than
# the window on a wide screen.
HOST_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Agency</title>
<style>body {{ margin: 0; font-family: sans-serif; }}
main {{ max-width: 1100px; margin: 0 auto; padding: 0 16px; }}</style></head>
<body><main id="column"><h1>Our calculator</h1>{snippet}<p>After it.</p></main></body></html>"""

MEASURE = """() => {
  const frame = document.querySelector("iframe");
  const style = getComputedStyle(frame);
  const root = document.scrollingElement;
  return {
    border: ["Top", "Right", "Bottom", "Left"].map((side) => style["border" + side + "Width"]),
    frame: frame.getBoundingClientRect().width,
    column: document.getElementById("column").clientWidth,
    scrollWidth: root.scrollWidth,
    clientWidth: root.clientWidth,
  };
}"""


@pytest.fixture
def host() -> Iterator[HostSite]:
    site = HostSite()
    yield site
    site.close()


def dashboard_snippet(live_server) -> str:
    """The snippet as the agency's dashboard shows it, for a profile of its own."""
    owner = make_agency("owner@acme.example")
    make_profile(owner, "acme")
    client = Client()
    client.force_login(owner)
    host = live_server.url.removeprefix("http://")
    page = client.get(reverse("agency:dashboard"), HTTP_HOST=host).content.decode()
    code = re.search(r'<textarea id="snippet-\d+"[^>]*>(.*?)</textarea>', page, re.S)
    assert code, "the dashboard shows no snippet"
    return html.unescape(code.group(1))


def oembed_snippet(live_server) -> str:
    answer = Client().get(
        "/oembed",
        {"url": f"{live_server.url}/?spend=20000"},
        HTTP_HOST=live_server.url.removeprefix("http://"),
    )
    assert answer.status_code == 200
    return answer.json()["html"]


@pytest.mark.parametrize("variant", ["builder", "dashboard", "oembed"])
def test_the_snippet_has_no_border_and_never_overflows_its_column(
    browser: Browser, live_server, host: HostSite, transactional_db, variant
):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    if variant == "builder":
        code = snippet_from_builder(page, live_server)
    elif variant == "dashboard":
        code = dashboard_snippet(live_server)
    else:
        code = oembed_snippet(live_server)
    assert "border:0" in code
    host.pages["/host.html"] = HOST_PAGE.format(snippet=code)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{host.url}/host.html")
        # The loader has set the frame up (and sized it from its messages).
        page.wait_for_selector("iframe[data-capi-roi-ready]", state="attached")
        seen = page.evaluate(MEASURE)
        assert seen["border"] == ["0px"] * 4, (variant, width, seen)
        assert seen["frame"] <= seen["column"], (variant, width, seen)
        assert seen["scrollWidth"] <= seen["clientWidth"], (variant, width, seen)
        # Nor does the calculator scroll sideways inside its frame.
        frame = page.locator("iframe").element_handle().content_frame()
        assert frame is not None
        frame.wait_for_load_state()
        inner = frame.evaluate(
            "[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
        )
        assert inner[0] <= inner[1], (variant, width, inner)
    context.close()


def test_the_loader_keeps_the_snippets_style_under_a_csp_that_blocks_style_attributes(
    browser: Browser, live_server, host: HostSite
):
    context = browser.new_context(viewport={"width": 768, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    code = snippet_from_builder(page, live_server)
    strict = '<meta http-equiv="Content-Security-Policy" content="style-src \'none\'">'
    host.pages["/strict.html"] = HOST_PAGE.replace("<title>", strict + "<title>").format(
        snippet=code
    )
    page.goto(f"{host.url}/strict.html")
    page.wait_for_selector("iframe[data-capi-roi-ready]", state="attached")
    seen = page.evaluate(MEASURE)
    # The page's own <style> is blocked too: the column is the whole window.
    assert seen["border"] == ["0px"] * 4, seen
    assert seen["frame"] == seen["column"], seen
    assert seen["scrollWidth"] <= seen["clientWidth"], seen
    context.close()
