"""The calculator page in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import axe_violations, watch

HEADLINE = ".verdict__title strong"


def test_page_loads_without_console_errors(page: Page, live_server, console):
    page.goto(live_server.url + "/")
    expect(page.locator(HEADLINE)).to_have_text("1.24%")
    page.wait_for_load_state("networkidle")
    assert console == []


def test_changing_a_field_updates_results_and_url(page: Page, live_server, console):
    page.goto(live_server.url + "/")
    before = page.locator(".figure__value").first.inner_text()
    page.fill("#id_conversions", "800")
    expect(page.locator(".figure__value").first).not_to_have_text(before)
    # Screen readers hear the new headline, not every figure again.
    expect(page.locator("#results-announce")).to_contain_text("Break-even CPA improvement")
    assert page.locator("#results").get_attribute("aria-live") is None
    expect(page).to_have_url(re.compile(r"[?&]conversions=800(&|$)"))
    # The address is the result's link: opening it shows the same numbers.
    shown = page.locator(".figure__value").first.inner_text()
    page.goto(page.url)
    expect(page.locator(".figure__value").first).to_have_text(shown)
    assert console == []


def test_an_invalid_value_shows_its_message_and_keeps_the_results(page: Page, live_server):
    page.goto(live_server.url + "/")
    page.fill("#id_margin", "140")
    expect(page.locator("#margin-error")).to_contain_text("between 0% and 100%")
    expect(page.locator("#results-announce")).to_contain_text("Contribution margin must be")
    expect(page.locator("#id_margin")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(HEADLINE)).to_have_text("1.24%")
    expect(page.locator("#stale")).to_be_visible()
    page.fill("#id_margin", "40")
    expect(page.locator("#margin-error")).to_be_empty()
    expect(page.locator("#stale")).to_be_hidden()


def test_an_advanced_field_error_opens_its_section(page: Page, live_server):
    page.goto(live_server.url + "/?itp=99")
    expect(page.locator("details.advanced")).to_have_attribute("open", "")
    expect(page.locator("#itp-error")).to_contain_text("between 0% and 95%")


def test_without_javascript_the_form_still_gives_results(browser, live_server, console):
    context = browser.new_context(java_script_enabled=False)
    page = watch(context.new_page(), console)
    page.goto(live_server.url + "/")
    page.fill("#id_cpa_gain", "10")
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"[?&]cpa_gain=10(&|$)"))
    expect(page.locator(".verdict__text")).to_contain_text("You expect 10%")
    context.close()


def test_nothing_scrolls_sideways_on_a_phone(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    for query in ("", "?spend=abc&months=0", "?spend=250000&conversions=3500&currency=EUR"):
        page.goto(live_server.url + "/" + query)
        page.click("details.advanced summary")
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], query
    context.close()


def test_axe_finds_nothing_on_the_page_results_and_advanced_section(page: Page, live_server):
    page.goto(live_server.url + "/")
    assert axe_violations(page) == []
    page.fill("#id_conversions", "900")
    expect(page.locator(".figure__value").first).not_to_have_text("$962")
    assert axe_violations(page, "#results") == []
    page.click("details.advanced summary")
    page.fill("#id_itp", "99")
    expect(page.locator("#itp-error")).not_to_be_empty()
    assert axe_violations(page) == []


def test_axe_finds_nothing_in_dark_mode(browser, live_server):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(live_server.url + "/?currency=GBP")
    assert axe_violations(page) == []
    context.close()


def test_presets_fill_the_form(page: Page, live_server):
    page.goto(live_server.url + "/")
    page.click("text=EU store behind a consent banner")
    expect(page.locator("#id_consent")).to_have_value("40")
    expect(page.locator("#id_currency")).to_have_value("EUR")
    expect(page.locator(".figure__value").first).to_contain_text("€")


def test_the_axe_check_does_catch_a_violation(page: Page, live_server):
    page.goto(live_server.url + "/")
    page.evaluate("document.querySelector('label[for=id_aov]').remove()")
    assert "label" in {v["id"] for v in axe_violations(page)}


def test_the_share_panel_copies_a_short_link_that_shows_the_same_result(
    browser, live_server, console
):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = watch(context.new_page(), console)
    page.goto(live_server.url + "/?cpa_gain=8&currency=GBP")
    headline = page.locator(HEADLINE).inner_text()
    page.click("text=Copy short link")
    expect(page.locator(".share__status")).to_contain_text("opied")
    short = page.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(re.escape(live_server.url) + r"/s/[a-z0-9]+/", short), short
    page.evaluate("navigator.clipboard.writeText('')")
    page.click("text=Copy link")
    page.wait_for_function("() => navigator.clipboard.readText().then(text => text !== '')")
    assert "cpa_gain=8" in page.evaluate("navigator.clipboard.readText()")
    page.goto(short)
    expect(page.locator(HEADLINE)).to_have_text(headline)
    expect(page.locator("#id_cpa_gain")).to_have_value("8")
    assert console == []
    context.close()


def test_the_error_pages_pass_axe_without_console_errors(page: Page, live_server, console):
    for path in ("/no-such-page/", "/embed/no-such-agency/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 404
        assert axe_violations(page) == [], path
    # Chromium reports each page's own 404, and nothing else failed to load.
    assert (
        console
        == ["Failed to load resource: the server responded with a status of 404 (Not Found)"] * 2
    )
