"""The embed on another site, in a real browser that blocks third-party cookies.

The host pages come from a small server on 127.0.0.1 while the embed comes
from the live server on localhost: two different sites, as on the web.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Browser, Frame, Page, expect

from .conftest import axe_violations, watch

LISTENER = """<script>
window.received = [];
window.addEventListener("message", function (event) {
  if (event.data && event.data.type === "capi-roi:calculated") window.received.push(event.data);
});
</script>"""


class HostSite:
    """Serves the pages the test writes into ``pages``, and one cookie-setting frame."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the base class's name)
                path = self.path.split("?")[0]
                if path == "/frame-cookie":
                    name = self.path.split("name=")[1]
                    body = f"<p>cookie {name} set</p>".encode()
                    self.send_response(200)
                    self.send_header("Set-Cookie", f"{name}=1; Path=/; SameSite=None; Secure")
                elif path == "/favicon.ico":  # browsers ask; an empty answer is no error
                    body = b""
                    self.send_response(200)
                elif path in site.pages:
                    body = site.pages[path].encode()
                    self.send_response(200)
                else:
                    body = b"not found"
                    self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def host() -> Iterator[HostSite]:
    site = HostSite()
    yield site
    site.close()


def snippet_from_builder(page: Page, live_server, query: str = "") -> str:
    page.goto(f"{live_server.url}/embed/builder/{query}")
    code = page.locator("#embed-code").input_value()
    assert live_server.url + "/embed/?" in code
    assert live_server.url + "/embed.js" in code
    return code


def embed_frame(page: Page) -> Frame:
    frame = page.locator("iframe").first.element_handle().content_frame()
    assert frame is not None
    return frame


def content_height(frame: Frame) -> int:
    return frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")


def wait_for_height_match(page: Page, frame: Frame) -> tuple[int, int]:
    """The iframe's height once the loader has matched it to the frame's content."""
    for _ in range(50):
        inner = content_height(frame)
        outer = page.evaluate("document.querySelector('iframe').clientHeight")
        if abs(inner - outer) <= 2:
            return inner, outer
        page.wait_for_timeout(100)
    raise AssertionError(f"iframe {outer}px never matched its content {inner}px")


def test_this_browser_blocks_third_party_cookies(browser: Browser, host: HostSite):
    """The proof the rest relies on, made here rather than assumed."""
    context = browser.new_context()
    page = context.new_page()
    # Control: the same response as a first-party page keeps its cookie.
    page.goto(f"{host.url}/frame-cookie?name=first")
    assert [c["name"] for c in context.cookies(host.url)] == ["first"]
    # In a frame of another site (localhost is not 127.0.0.1) it does not.
    host.pages["/outer.html"] = (
        f'<iframe src="{host.url}/frame-cookie?name=third" title="cookie test"></iframe>'
    )
    page.goto(f"http://localhost:{host.port}/outer.html")
    expect(page.frame_locator("iframe").locator("p")).to_have_text("cookie third set")
    page.reload()
    expect(page.frame_locator("iframe").locator("p")).to_have_text("cookie third set")
    assert [c["name"] for c in context.cookies(host.url)] == ["first"]
    context.close()


def test_the_builders_snippet_works_on_another_site(
    browser: Browser, live_server, host: HostSite, console
):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = watch(context.new_page(), console)
    page.set_default_timeout(10_000)
    code = snippet_from_builder(page, live_server, "?hide=sensitivity&height=500")
    host.pages["/host.html"] = (
        f"<!doctype html><title>Agency</title><h1>Our agency</h1>{LISTENER}{code}<p>After</p>"
    )
    page.goto(f"{host.url}/host.html")
    frame = embed_frame(page)
    expect(frame.locator("#verdict-title")).to_contain_text("Likely worth it")

    inner, outer = wait_for_height_match(page, frame)
    assert inner > 500  # grown from the snippet's initial height to the whole content
    page.wait_for_function("window.received.length >= 1")
    first = page.evaluate("window.received[0]")
    assert first["frameId"] == "capi-roi"
    assert first["figures"]["breakeven_cpa_gain"] == pytest.approx(0.0124, abs=5e-5)
    assert first["figures"]["payback_month"] == 5
    assert first["figures"]["currency"] == "USD"
    # The verdict in the page's own words, from the same summary as the page.
    assert first["verdict"] == "clears"
    assert first["headline"] == frame.locator("#verdict-title").inner_text()

    # A recalculation inside the frame: new figures reach the host.
    frame.fill("#id_conversions", "800")
    expect(frame.locator(".figure__value").first).not_to_have_text("$962")
    page.wait_for_function("window.received.length >= 2")
    second = page.evaluate("window.received[window.received.length - 1]")
    assert second["figures"]["monthly_benefit"] != first["figures"]["monthly_benefit"]
    # An invalid value changes the content's height (its message, the stale
    # notice, the verdict that names the field): the frame follows it.
    before, _ = wait_for_height_match(page, frame)
    frame.fill("#id_margin", "140")
    expect(frame.locator("#margin-error")).to_contain_text("between 0% and 100%")
    expect(frame.locator("#stale")).to_be_visible()
    expect(frame.locator("#verdict")).to_have_attribute("data-state", "stale")
    stale, _ = wait_for_height_match(page, frame)
    assert stale != before
    # Fixing it brings the answer back, and the frame follows again.
    frame.fill("#id_margin", "40")
    expect(frame.locator("#stale")).to_be_hidden()
    again, _ = wait_for_height_match(page, frame)
    assert again != stale
    # The frame's address keeps its display options across recalculations.
    assert "hide=sensitivity" in frame.url
    assert "frame=capi-roi" in frame.url
    assert "What moves the result most" not in frame.content()

    assert context.cookies() == []  # neither site holds a cookie
    page.wait_for_timeout(300)  # late messages would show a loop or an error
    assert console == []
    context.close()


def test_a_frame_that_starts_hidden_is_sized_when_shown(browser: Browser, live_server, host):
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    src = f"{live_server.url}/embed/?frame=tab2"
    host.pages["/tabs.html"] = (
        f'<div id="tab" hidden><iframe src="{src}" title="Calculator" width="100%" '
        f'height="300" data-capi-roi></iframe></div>'
        f'<script src="{live_server.url}/embed.js" async></script>'
    )
    page.goto(f"{host.url}/tabs.html")
    page.wait_for_timeout(1000)
    assert page.evaluate("document.querySelector('iframe').getAttribute('height')") == "300"
    page.evaluate("document.getElementById('tab').hidden = false")
    frame = embed_frame(page)
    expect(frame.locator("#verdict-title")).to_contain_text("Likely worth it")
    inner, outer = wait_for_height_match(page, frame)
    assert inner > 300
    context.close()


@pytest.mark.parametrize("sandbox", ["", ' sandbox="allow-scripts"'])
def test_a_plain_iframe_without_the_loader_is_usable(
    browser: Browser, live_server, host, console, sandbox
):
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = watch(context.new_page(), console)
    src = f"{live_server.url}/embed/?compact=1"
    host.pages["/plain.html"] = (
        f'<iframe src="{src}" title="Calculator" width="100%" height="600"{sandbox}></iframe>'
    )
    page.goto(f"{host.url}/plain.html")
    frame = embed_frame(page)
    expect(frame.locator("#verdict-title")).to_contain_text("Likely worth it")
    frame.fill("#id_conversions", "800")
    expect(frame.locator(".figure__value").first).not_to_have_text("$962")
    assert page.evaluate("document.querySelector('iframe').clientHeight") == 600
    assert frame.evaluate("document.documentElement.scrollHeight") > 600  # it scrolls inside
    page.wait_for_timeout(300)
    assert console == []
    context.close()


def test_platforms_a_host_fixed_stay_through_live_answers(page: Page, live_server, console):
    page.goto(
        f"{live_server.url}/embed/?ads=meta&ads=google&google_spend=5000"
        "&google_conversions=80&hide=platforms"
    )
    expect(page.locator("[data-platform-toggle]")).to_have_count(0)
    page.fill("#id_google_spend", "9000")
    expect(page.locator(".verdict__text")).to_contain_text("across Meta and Google Ads")
    expect(page.locator("#verdict .share")).to_have_attribute(
        "data-share-query", re.compile(r"google_spend=9000")
    )
    assert console == []


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?theme=dark&accent=ffdd00&compact=1",
        "?theme=light&accent=fff&spend=abc",
        "?theme=dark&ads=meta&ads=google&google_spend=5000&google_conversions=80&hide=platforms",
    ],
)
def test_axe_finds_nothing_in_the_embed(page: Page, live_server, query):
    page.goto(f"{live_server.url}/embed/{query}")
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []


def test_axe_finds_nothing_on_the_builder(page: Page, live_server, console):
    page.goto(f"{live_server.url}/embed/builder/")
    assert axe_violations(page) == []
    page.fill("#b-spend", "30000")
    expect(page.locator("#embed-code")).to_contain_text("spend=30000")
    expect(page.frame_locator("iframe").locator("#verdict-title")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert console == []


def test_the_verdict_is_on_a_narrow_embeds_first_screen(browser: Browser, live_server, host):
    """A 700 px column, 900 px of it on screen: the verdict is whole within it."""
    host.pages["/narrow"] = (
        f'<iframe src="{live_server.url}/embed/?frame=narrow" title="Calculator" '
        'width="700" height="900" data-capi-roi></iframe>'
    )
    context = browser.new_context(viewport={"width": 760, "height": 900})
    page = context.new_page()
    page.goto(host.url + "/narrow")
    frame = page.frame_locator("iframe")
    expect(frame.locator("#verdict-title")).to_contain_text("Likely worth it")
    for query in ("", "?margin=0&frame=narrow", "?spend=abc&frame=narrow"):
        if query:
            page.locator("iframe").evaluate("(f, q) => f.src = f.src.split('?')[0] + q", query)
            expect(frame.locator("#verdict")).to_be_visible()
        frame_box = page.locator("iframe").bounding_box()
        verdict = frame.locator("#verdict").bounding_box()
        assert frame_box
        assert verdict
        assert verdict["y"] + verdict["height"] - frame_box["y"] <= 900, query


def test_the_snippet_fills_the_column_under_a_host_csp_that_blocks_style_attributes(
    browser: Browser, live_server, host: HostSite
):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    code = snippet_from_builder(page, live_server)
    strict = '<meta http-equiv="Content-Security-Policy" content="style-src \'none\'">'

    def host_page(snippet: str) -> str:
        return (
            f'<!doctype html><html lang="en"><head>{strict}<title>Agency</title></head>'
            f"<body><main>{snippet}</main></body></html>"
        )

    host.pages["/frame-only.html"] = host_page(code.split("<script")[0])
    host.pages["/with-loader.html"] = host_page(code)
    width = "document.querySelector('iframe').getBoundingClientRect().width"
    # The policy does ignore the snippet's style attribute: the frame keeps
    # the browser's default 300 px without the loader ...
    page.goto(f"{host.url}/frame-only.html")
    assert page.evaluate(width) < 400  # 300 px and the default border
    # ... and the loader gives it the column's width through the CSSOM.
    page.goto(f"{host.url}/with-loader.html")
    page.wait_for_function(f"{width} > 1000")
    context.close()


def test_the_builders_copy_button_copies_the_snippet(browser: Browser, live_server, console):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = watch(context.new_page(), console)
    page.goto(live_server.url + "/embed/builder/")
    button = page.get_by_role("button", name="Copy snippet")
    expect(button).to_be_visible()  # shown by the script, where the clipboard works
    button.click()
    expect(page.locator(".builder__actions [role=status]")).to_have_text("Copied the snippet.")
    snippet = page.locator("#embed-code").input_value()
    assert "<iframe" in snippet
    assert page.evaluate("navigator.clipboard.readText()") == snippet
    assert console == []
    context.close()
