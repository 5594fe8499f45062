"""The verdict in the browser: a decision in money on the first screen, with
three platforms too; stale while an input is invalid; a platform's box
shows and hides its fields, and unchecking it takes its inputs out of the link."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from .conftest import axe_violations

THREE = (
    "/?google_spend=5000&google_conversions=80&tiktok_spend=2000&tiktok_conversions=30"
    "&integration=sgtm_hosted"
)


def in_first_screen(page: Page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] + box["height"] <= 844


def test_typing_an_invalid_value_makes_the_verdict_stale(phone: Page, live_server, console):
    phone.goto(live_server.url + "/")
    verdict = phone.locator("#verdict")
    expect(verdict).to_have_attribute("data-state", "current")
    expect(verdict).to_have_attribute("data-decision", "pays")
    phone.fill("#id_spend", "800")
    expect(verdict).to_have_attribute("data-decision", "pays")  # still pays: more purchases
    phone.fill("#id_conversions", "25x")
    expect(verdict).to_have_attribute("data-state", "stale")
    expect(verdict).to_contain_text("Purchases reported per month")
    expect(verdict).not_to_contain_text("Likely worth it")
    expect(phone.locator("#live-line")).to_contain_text("Fix the marked value")
    phone.fill("#id_conversions", "25")
    expect(verdict).to_have_attribute("data-state", "current")
    expect(verdict).to_have_attribute("data-decision", "does-not-pay")
    expect(phone.locator("#verdict-title")).to_contain_text("Not worth it at your volume: −$")
    assert console == []


def test_three_platforms_filled_in_at_390_keep_the_verdict_in_the_first_screen(
    phone: Page, live_server, console
):
    phone.goto(live_server.url + "/")
    expect(phone.locator('[data-platform="google"]')).to_be_hidden()

    def answered(action) -> None:
        """One answer at a time, as a person types: each waits for the last to land."""
        with phone.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
            action()

    answered(lambda: phone.check("input[name=ads][value=google]"))
    expect(phone.locator('[data-platform="google"]')).to_be_visible()
    answered(lambda: phone.fill("#id_google_conversions", "80"))
    answered(lambda: phone.fill("#id_google_spend", "5000"))
    answered(lambda: phone.check("input[name=ads][value=tiktok]"))
    answered(lambda: phone.fill("#id_tiktok_conversions", "30"))
    answered(lambda: phone.fill("#id_tiktok_spend", "2000"))
    expect(phone).to_have_url(re.compile(r"tiktok_conversions=30"))
    expect(phone.locator("#verdict")).to_contain_text("across Meta, Google Ads and TikTok")
    phone.evaluate("window.scrollTo(0, 0)")
    assert in_first_screen(phone, "#verdict-title")
    # Unchecking a platform takes its inputs out of the link.
    answered(lambda: phone.uncheck("input[name=ads][value=tiktok]"))
    expect(phone).not_to_have_url(re.compile(r"tiktok_"))
    expect(phone.locator("#verdict")).to_contain_text("across Meta and Google Ads")
    assert console == [], console


def test_a_three_platform_page_passes_axe(phone: Page, live_server):
    phone.goto(live_server.url + THREE)
    assert in_first_screen(phone, "#verdict-title")
    assert axe_violations(phone) == []


def test_a_three_platform_embed_passes_axe_and_shows_the_verdict(browser: Browser, live_server):
    context = browser.new_context(viewport={"width": 700, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/embed" + THREE)
    assert in_first_screen(page, "#verdict-title")
    assert axe_violations(page) == []
    context.close()
