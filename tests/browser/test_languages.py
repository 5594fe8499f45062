"""The German pages in Chromium: accessible, and their scripts speak German."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import axe_violations, watch


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_axe_finds_nothing_on_the_german_page(browser, live_server, scheme, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(live_server.url + "/de/?spend=30000&integration=shopify&consent=40&currency=EUR")
    page.click("details.advanced summary")
    assert axe_violations(page) == []
    context.close()


def test_axe_finds_nothing_on_the_german_embed_and_method_page(page: Page, live_server):
    for path in ("/embed/?lang=de&spend=20000", "/de/method/", "/de/embed/builder/"):
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == "de"
        assert axe_violations(page) == [], path


def test_the_switcher_keeps_the_result_in_another_language(page: Page, live_server, console):
    watch(page, console)
    page.goto(live_server.url + "/de/?spend=30000&consent=40")
    figure = page.locator(".figure__value").first.inner_text()
    page.fill("#id_conversions", "900")
    expect(page.locator(".figure__value").first).not_to_have_text(figure)
    page.get_by_role("navigation", name="Sprache").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert "conversions=900" in page.url
    assert "consent=40" in page.url
    assert console == []


def test_a_german_short_link_is_copied_with_german_words(browser, live_server, console):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = watch(context.new_page(), console)
    page.goto(live_server.url + "/de/?cpa_gain=8&currency=EUR")
    panel = page.locator("section.share")
    panel.get_by_role("button", name="Kurzlink kopieren").click()
    expect(panel.locator(".share__status")).to_contain_text("Kurzlink kopiert")
    short = page.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(re.escape(live_server.url) + r"/de/s/[a-z0-9]+/", short), short
    page.goto(short)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    assert console == []
    context.close()
