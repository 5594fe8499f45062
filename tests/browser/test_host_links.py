"""A profile's embed on an agency's page, on another site: its links open that
page, and a lead carries the page and the result's figures to the export."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Frame, expect

from calculator.models import Lead
from tests.agency_helpers import make_agency, make_profile

from .conftest import watch
from .test_embed import HostSite, embed_frame


@pytest.fixture
def host() -> Iterator[HostSite]:
    """Another site, on 127.0.0.1, while the embed comes from localhost."""
    site = HostSite()
    yield site
    site.close()


@pytest.fixture
def agency_profile(transactional_db):
    return make_profile(make_agency("owner@acme.example"), "acme")


def open_on_host(
    browser: Browser,
    live_server,
    host: HostSite,
    console,
    page_query: str = "",
    embed_query: str = "spend=20000",
    width: int = 1100,
    frame_width: str = "100%",
):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = watch(context.new_page(), console)
    page.set_default_timeout(10_000)
    src = f"{live_server.url}/embed/acme/?{embed_query}&frame=capi-roi"
    host.pages["/roi.html"] = (
        "<!doctype html><title>Agency</title><style>body{margin:0}</style>"
        f'<iframe src="{src}" title="CAPI ROI calculator" width="{frame_width}" height="900"'
        f' style="border:0" data-capi-roi></iframe>'
        f'<script src="{live_server.url}/embed.js" async></script>'
    )
    page.goto(f"{host.url}/roi.html{page_query}")
    frame = embed_frame(page)
    frame.wait_for_url(re.compile(r"[?&]host="))  # the loader told the frame its page
    frame.wait_for_load_state()
    return context, page, frame


def share_link(frame: Frame) -> str:
    return frame.locator("#share-link").input_value()


def test_links_open_the_host_page_and_a_lead_exports_its_page_and_figures(
    browser: Browser, live_server, host: HostSite, agency_profile, console
):
    context, page, frame = open_on_host(browser, live_server, host, console, "?ref=news#calc")
    page_address = f"{host.url}/roi.html?ref=news"
    assert share_link(frame).startswith(f"{page_address}&spend=20000&")
    for name in ("Share on LinkedIn", "Share on X"):
        href = frame.get_by_role("link", name=name).get_attribute("href")
        assert "127.0.0.1%3A" in href, href  # the host page, not this site
        assert "localhost" not in href

    # A recalculation keeps the host page.
    frame.fill("#id_spend", "30000")
    expect(frame.locator("#share-link")).to_have_value(re.compile(r"spend=30000"))
    assert share_link(frame).startswith(f"{page_address}&spend=30000&")

    frame.fill("#lead-email", "visitor@shop.example")
    frame.click("#lead-form button[type=submit]")
    expect(frame.locator("#lead-form")).to_contain_text("Report on its way")
    lead = Lead.objects.get()
    assert lead.host_page == page_address
    assert lead.spend == 30000

    out = io.StringIO()
    call_command("export_leads", "acme", stdout=out)
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert row["host_page"] == page_address
    assert row["link"].startswith(f"{page_address}&spend=30000&")
    assert float(row["spend"]) == 30000
    assert row["decision"] in ("pays", "does-not-pay", "uncertain")
    assert row["net"] != ""
    assert row["breakeven_cpa_gain"] != ""
    assert console == []
    context.close()


def test_a_link_to_the_host_page_opens_its_result_in_the_frame(
    browser: Browser, live_server, host: HostSite, agency_profile, console
):
    context, page, frame = open_on_host(
        browser, live_server, host, console, "?spend=45000&conversions=900&v=3"
    )
    expect(frame.locator("#id_spend")).to_have_value("45000")
    expect(frame.locator("#id_conversions")).to_have_value("900")
    # The host page's own address holds no result input twice.
    assert share_link(frame).startswith(f"{host.url}/roi.html?spend=45000&conversions=900&")
    assert console == []
    context.close()


def test_the_compact_layout_starts_the_lead_form_within_1500_px_of_a_700_px_frame(
    browser: Browser, live_server, host: HostSite, agency_profile, console
):
    context, page, frame = open_on_host(
        browser, live_server, host, console, embed_query="spend=20000&layout=compact",
        width=700, frame_width="700",
    )  # fmt: skip
    assert frame.evaluate("window.innerWidth") == 700
    top = frame.locator("#lead-form").evaluate("e => e.getBoundingClientRect().top + scrollY")
    assert 0 < top <= 1500
    # Side by side: the form's column and the verdict's share the first row.
    form_box = frame.locator("#inputs").bounding_box()
    verdict_box = frame.locator("#verdict").bounding_box()
    assert verdict_box["x"] > form_box["x"] + form_box["width"] - 1
    assert abs(verdict_box["y"] - form_box["y"]) < 5
    more = frame.locator("details.embed__more")
    expect(more).to_be_visible()
    assert more.get_attribute("open") is None
    assert console == []
    context.close()
