"""The comparison of integrations in a browser: axe finds nothing in it at a
phone's and a desktop's width, and a row's link switches the calculator."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations, watch

THREE = (
    "/?v=3&store=shopify&google_spend=10000&google_conversions=300"
    "&tiktok_spend=4000&tiktok_conversions=50"
)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_axe_finds_nothing_in_the_comparison(browser, live_server, scheme, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(live_server.url + THREE)
    expect(page.locator("#compare tbody tr")).to_have_count(7)
    assert axe_violations(page, "#compare") == []
    context.close()


def test_a_rows_link_switches_the_integration(browser, live_server, console):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = watch(context.new_page(), console)
    page.goto(live_server.url + THREE)
    page.locator("#compare").get_by_role("link", name="Meta's CAPI Gateway").click()
    expect(page.locator("#compare tr[data-integration='gateway']")).to_contain_text("Your choice")
    assert "integration=gateway" in page.url
    assert "store=shopify" in page.url
    expect(page.locator("#compare [data-best]")).to_have_count(1)
    assert console == []
    context.close()
