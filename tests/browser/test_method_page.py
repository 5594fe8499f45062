"""The method page in Chromium: accessible in both schemes, and nothing of its
tables or formulas is cut off on a phone."""

from __future__ import annotations

import pytest

from .conftest import axe_violations


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_axe_finds_nothing_with_the_older_versions_open(browser, live_server, scheme, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(live_server.url + "/method/")
    for summary in page.locator("details.method__older summary").all():
        summary.click()
    assert axe_violations(page) == []
    context.close()


def test_nothing_reaches_past_a_phones_screen_outside_a_scrolling_table(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/method/")
    for summary in page.locator("details.method__older summary").all():
        summary.click()
    past_the_edge = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(e => !e.closest('.table-wrap'))
            .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
            .map(e => e.tagName + ' ' + e.textContent.slice(0, 40))"""
    )
    assert past_the_edge == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Each wide table scrolls inside a region a keyboard can reach and a
    # screen reader can name.
    for region in page.locator(".table-wrap").all():
        assert region.get_attribute("tabindex") == "0"
        assert region.get_attribute("role") == "region"
        assert region.get_attribute("aria-labelledby")
    context.close()


def test_the_anchor_the_verdict_links_to_is_in_view(page, live_server):
    page.goto(live_server.url + "/method/#randomized-study")
    assert page.locator("#randomized-study").is_visible()
    assert (
        page.evaluate("document.getElementById('randomized-study').getBoundingClientRect().top")
        < 900
    )
