"""The calculator page in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import axe_violations, watch

HEADLINE = "#verdict-title"


def test_page_loads_without_console_errors(page: Page, live_server, console):
    page.goto(live_server.url + "/")
    expect(page.locator(HEADLINE)).to_have_text("Likely worth it: +$3,129 over 12 months")
    page.wait_for_load_state("networkidle")
    assert console == []


def test_changing_a_field_updates_results_and_url(page: Page, live_server, console):
    page.goto(live_server.url + "/")
    before = page.locator(".figure__value").first.inner_text()
    page.fill("#id_conversions", "800")
    expect(page.locator(".figure__value").first).not_to_have_text(before)
    # Screen readers hear the new headline, not every figure again.
    expect(page.locator("#results-announce")).to_contain_text("Likely worth it: +$")
    assert page.locator("#results").get_attribute("aria-live") is None
    expect(page).to_have_url(re.compile(r"[?&]conversions=800(&|$)"))
    # The address is the result's link: opening it shows the same numbers.
    shown = page.locator(".figure__value").first.inner_text()
    page.goto(page.url)
    expect(page.locator(".figure__value").first).to_have_text(shown)
    assert console == []


def test_leaving_a_field_already_answered_asks_nothing_again(page: Page, live_server):
    """Typing recalculates; the "change" as the field loses focus must not
    swap the same results in again under the visitor's next click."""
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")
    asked = []
    page.on(
        "request",
        lambda request: asked.append(request.url) if "conversions" in request.url else None,
    )
    page.fill("#id_conversions", "800")
    expect(page).to_have_url(re.compile(r"[?&]conversions=800(&|$)"))
    page.locator("#id_conversions").blur()
    page.locator("#id_aov").focus()
    page.wait_for_timeout(600)  # past the form's 350 ms delay: a second request would be out
    assert len(asked) == 1, asked
    page.fill("#id_conversions", "900")  # a new value is still answered
    expect(page).to_have_url(re.compile(r"[?&]conversions=900(&|$)"))
    assert len(asked) == 2


def test_an_invalid_value_shows_its_message_and_keeps_the_results(page: Page, live_server):
    page.goto(live_server.url + "/")
    page.fill("#id_margin", "140")
    expect(page.locator("#margin-error")).to_contain_text("between 0% and 100%")
    expect(page.locator("#results-announce")).to_contain_text("Contribution margin must be")
    expect(page.locator("#id_margin")).to_have_attribute("aria-invalid", "true")
    # The verdict names the field instead of an answer it no longer has.
    expect(page.locator("#verdict")).to_have_attribute("data-state", "stale")
    expect(page.locator(HEADLINE)).to_have_text("Fix this value to see the result")
    expect(page.locator("#stale")).to_be_visible()
    page.fill("#id_margin", "40")
    expect(page.locator("#margin-error")).to_be_empty()
    expect(page.locator("#stale")).to_be_hidden()
    expect(page.locator(HEADLINE)).to_have_text("Likely worth it: +$3,129 over 12 months")


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
    expect(page.locator(".verdict__text")).to_contain_text("you expect 10%")
    # Buttons that need a script are left out; the links and the field stay.
    for selector in ("[data-share-copy]", "[data-print]"):
        expect(page.locator(selector)).not_to_have_count(0)
        expect(page.locator(f"{selector}:visible")).to_have_count(0)
    expect(page.locator(".share__link")).to_be_visible()
    context.close()


def test_with_javascript_the_copy_and_print_buttons_show(page: Page, live_server):
    page.goto(live_server.url + "/")
    expect(page.locator("#verdict [data-share-copy]")).to_be_visible()
    expect(page.locator(".share [data-share-copy='short']").last).to_be_visible()
    expect(page.locator("[data-print]")).to_be_visible()
    expect(page.locator(".calc__actions button[type=submit]")).to_be_hidden()


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
    before = page.locator(".figure__value").first.inner_text()
    page.fill("#id_conversions", "900")
    expect(page.locator(".figure__value").first).not_to_have_text(before)
    expect(page.locator("#results")).not_to_have_attribute("aria-busy", "true")
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
    panel = page.locator("section.share")
    panel.get_by_role("button", name="Copy short link").click()
    expect(panel.locator(".share__status")).to_contain_text("opied")
    short = page.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(re.escape(live_server.url) + r"/s/[a-z0-9]+/", short), short
    page.evaluate("navigator.clipboard.writeText('')")
    panel.get_by_role("button", name="Copy link").click()
    page.wait_for_function("() => navigator.clipboard.readText().then(text => text !== '')")
    assert "cpa_gain=8" in page.evaluate("navigator.clipboard.readText()")
    page.goto(short)
    expect(page.locator(HEADLINE)).to_have_text(headline)
    expect(page.locator("#id_cpa_gain")).to_have_value("8")
    assert console == []
    context.close()


# The verdict is the answer: on a phone and in a narrow embed it must be on the
# first screen, whole, without scrolling.
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
FIRST_SCREEN_QUERIES = (
    "",
    "?spend=30000&integration=shopify",  # a shared result, with its inputs line
    "?cpa_gain=1",  # falls short
    "?margin=0",  # cannot pay: the longest headline
    "?spend=abc&months=0&margin=300",  # invalid: the messages take its place
)


def verdict_box(page: Page) -> dict:
    page.wait_for_load_state("networkidle")
    box = page.locator("#verdict").bounding_box()
    assert box is not None
    return box


def test_the_verdict_is_on_a_phones_first_screen(browser, live_server):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    for query in FIRST_SCREEN_QUERIES:
        page.goto(live_server.url + "/" + query)
        box = verdict_box(page)
        assert box["y"] >= 0, (query, box)
        assert box["y"] + box["height"] <= 844, (query, box)
    context.close()


def test_a_doubtful_result_keeps_its_answer_and_actions_on_the_first_screen(browser, live_server):
    """Warnings follow the answer; the answer and the way to act on it stay in view."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/?consent=95&cpa_gain=20&v=2")
    expect(page.locator("#verdict .warnings")).to_be_visible()
    for part in ("#verdict-title", "#verdict .verdict__text", "#verdict .share", ".verdict__more"):
        box = page.locator(part).bounding_box()
        assert box, part
        assert box["y"] + box["height"] <= 844, part
    context.close()


def test_the_verdict_test_would_catch_a_verdict_below_the_first_screen(browser, live_server):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.evaluate("document.querySelector('.intro').style.paddingTop = '600px'")
    box = verdict_box(page)
    assert box["y"] + box["height"] > 844
    context.close()


def test_live_updates_change_the_verdict_in_view(browser, live_server, console):
    context = browser.new_context(**PHONE)
    page = watch(context.new_page(), console)
    page.goto(live_server.url + "/")
    # With the answer in view, the form's live line would only repeat it.
    expect(page.locator(".calc__actions")).to_be_hidden()
    page.fill("#id_cpa_gain", "1")
    expect(page.locator("#verdict .verdict__text")).to_contain_text("you expect 1% (")
    expect(page.locator("#verdict")).to_have_class(re.compile("verdict--does-not-pay"))
    # While the form is edited far below, its foot keeps the result in view.
    page.locator("#id_months").scroll_into_view_if_needed()
    live = page.locator("#live-line")
    expect(live).to_contain_text("Not worth it at your volume: −$527 over 12 months")
    box = live.bounding_box()
    assert box
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= 844
    # The address is the result's link, normalised.
    page.fill("#id_spend", "30k")
    expect(page).to_have_url(re.compile(r"[?&]spend=30000&"))
    assert console == []
    context.close()


def test_an_opened_shared_link_says_it_is_shared_until_changed(page: Page, live_server):
    page.goto(live_server.url + "/?spend=30000&integration=shopify&v=2")
    shared = page.locator(".verdict__shared")
    expect(shared).to_contain_text("Shared result.")
    inputs = shared.locator("p")
    expect(inputs).to_be_hidden()  # on demand
    shared.locator("summary").click()
    expect(inputs).to_contain_text("$30,000 a month on Meta ads")
    expect(inputs).to_contain_text("Shopify native")
    page.fill("#id_cpa_gain", "3")
    expect(page.locator("#verdict .verdict__text")).to_contain_text("you expect 3%")
    expect(shared).to_have_count(0)


def test_a_long_shared_result_keeps_its_answer_on_the_first_screen(browser, live_server):
    """Three platforms in German: the longest inputs line waits behind its summary,
    and the answer with each platform's estimate keeps the first screen."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(
        live_server.url + "/de/?spend=20000&conversions=400&google_spend=5000"
        "&google_conversions=80&tiktok_spend=2000&tiktok_conversions=30"
        "&integration=sgtm_hosted&v=3"
    )
    expect(page.locator(".verdict__shared")).to_contain_text("Geteiltes Ergebnis.")
    for part in (".verdict__shared summary", "#verdict-title", ".verdict__text", ".verdict__lift"):
        box = page.locator(part).bounding_box()
        assert box, part
        assert box["y"] + box["height"] <= 844, part
    context.close()


def test_the_integration_fills_typical_costs_and_keeps_typed_ones(page: Page, live_server):
    page.goto(live_server.url + "/")
    expect(page.locator("#id_setup_cost")).to_have_attribute("placeholder", "1500")
    page.select_option("#id_integration", "shopify")
    expect(page.locator("#id_setup_cost")).to_have_attribute("placeholder", "0")
    expect(page.locator("#verdict")).to_contain_text("It costs nothing here")
    expect(page).to_have_url(re.compile(r"integration=shopify&setup=backend&.*setup_cost=0&"))
    page.fill("#id_monthly_cost", "40")
    expect(page).to_have_url(re.compile(r"monthly_cost=40&"))
    page.select_option("#id_integration", "sgtm_hosted")
    expect(page).to_have_url(re.compile(r"setup=relay&.*setup_cost=1500&monthly_cost=40&"))
    # Version 3's typical costs follow the volume: the hint says at what volume.
    expect(page.locator("#setup_cost-source")).to_contain_text("at about 584 orders a month")
    expect(page.locator("#id_monthly_cost")).to_have_value("40")


def test_advanced_assumptions_say_how_many_differ(page: Page, live_server):
    page.goto(live_server.url + "/?itp=30")
    summary = page.locator("details.advanced summary")
    expect(summary).to_contain_text("1 changed from the defaults")
    summary.click()
    page.fill("#id_discount", "8")
    expect(summary).to_contain_text("2 changed from the defaults")
    page.fill("#id_itp", "20")
    expect(summary).to_contain_text("1 changed from the defaults")


def test_the_share_action_beside_the_verdict_copies_a_short_link(browser, live_server, console):
    context = browser.new_context(**PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = watch(context.new_page(), console)
    page.goto(live_server.url + "/")
    page.locator("#verdict").get_by_role("button", name="Copy link").click()
    expect(page.locator("#verdict .share__status")).to_contain_text("opied")
    short = page.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(re.escape(live_server.url) + r"/s/[a-z0-9]+/", short), short
    assert console == []
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_axe_finds_nothing_at_phone_and_desktop_widths(browser, live_server, scheme, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(live_server.url + "/?spend=30000&integration=shopify&v=2")
    page.click("details.advanced summary")
    page.click(".verdict__shared summary")  # a shared result's inputs, opened
    assert axe_violations(page) == []
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
