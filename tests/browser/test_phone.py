"""The page on a 390 px phone: readable charts, a short masthead, the currency
followed at once, and no policy violation as it recalculates."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

# Every chart text, as drawn: its computed size in the chart's units times the
# scale the chart is drawn at.
CHART_TEXT_SIZES = """() => Array.from(document.querySelectorAll("svg.chart text")).map(
    (text) => parseFloat(getComputedStyle(text).fontSize)
        * text.ownerSVGElement.getScreenCTM().a)"""


@pytest.mark.parametrize("path", ["/?spend=30000&v=2", "/fr/?spend=30000&consent=40&v=2"])
def test_every_chart_text_is_at_least_11_px(phone: Page, live_server, path):
    phone.goto(live_server.url + path)
    sizes = phone.evaluate(CHART_TEXT_SIZES)
    assert len(sizes) > 30  # the three charts' labels, values and ticks
    assert min(sizes) >= 11, min(sizes)
    # The glyphs as laid out, too: no text box is shorter than 11 px.
    heights = phone.evaluate(
        """() => Array.from(document.querySelectorAll("svg.chart text")).map(
            (text) => text.getBoundingClientRect().height)"""
    )
    assert min(heights) >= 11, min(heights)


def test_the_tornado_labels_its_estimate_and_its_axis(phone: Page, live_server):
    phone.goto(live_server.url + "/?spend=30000&v=2")
    tornado = phone.locator("svg.chart").nth(2)
    expect(tornado.locator("text.chart__note").first).to_have_text("Your estimate: $8,365")
    ticks = tornado.locator("text.chart__tick").all_text_contents()
    assert all(re.fullmatch(r"−?\$[0-9,]+", tick) for tick in ticks), ticks
    assert len(ticks) >= 2


def test_recalculating_logs_no_policy_violation(phone: Page, live_server, console):
    phone.goto(live_server.url + "/")
    for field, value in (("#id_spend", "800"), ("#id_conversions", "25"), ("#id_spend", "9000")):
        before = phone.url
        phone.fill(field, value)
        expect(phone).not_to_have_url(before)
    phone.fill("#id_conversions", "25x")  # an invalid answer swaps only the messages
    expect(phone.locator("#conversions-error")).not_to_be_empty()
    phone.fill("#id_conversions", "400")
    expect(phone.locator("#conversions-error")).to_be_empty()
    phone.wait_for_load_state("networkidle")
    violations = [line for line in console if "Content Security Policy" in line]
    assert violations == []
    assert console == []


def test_the_labels_and_hints_follow_the_currency_at_once(phone: Page, live_server, console):
    phone.goto(live_server.url + "/")
    spend_unit = phone.locator("label[for=id_spend] .field__unit")
    expect(spend_unit).to_have_text("(USD)")
    phone.select_option("#id_currency", "GBP")
    expect(spend_unit).to_have_text("(GBP)")
    expect(phone.locator("label[for=id_setup_cost] .field__unit")).to_have_text("(GBP)")
    expect(phone.locator("#setup_cost-source")).to_contain_text(" GBP.")
    expect(phone).to_have_url(re.compile(r"currency=GBP"))
    words = phone.locator("#inputs .field__label, #inputs .field__hint").all_inner_texts()
    assert not [text for text in words if "USD" in text]
    # The typical cost the empty field uses follows the answer.
    phone.select_option("#id_integration", "shopify")
    expect(phone.locator("#id_setup_cost")).to_have_attribute("placeholder", "0")
    expect(phone.locator("#setup_cost-source")).to_contain_text("0 GBP.")
    assert console == []


def test_a_german_page_starts_in_euros(phone: Page, live_server):
    phone.goto(live_server.url + "/de/")
    expect(phone.locator("#id_currency")).to_have_value("EUR")
    expect(phone.locator("label[for=id_spend] .field__unit")).to_have_text("(EUR)")


@pytest.mark.parametrize("path", ["/", "/de/", "/fr/", "/es/", "/method/"])
def test_the_masthead_takes_two_rows_at_most(phone: Page, live_server, path):
    """The brand and the languages, then the links in one row."""
    phone.goto(live_server.url + path)
    links = phone.locator(".masthead__nav a:visible")
    tops = {round(box["y"]) for box in (link.bounding_box() for link in links.all()) if box}
    assert len(tops) == 1, tops
    brand = phone.locator(".brand").bounding_box()
    languages = phone.locator(".languages").bounding_box()
    assert brand is not None
    assert languages is not None
    row = min(tops)
    assert brand["y"] + brand["height"] <= row + 1
    assert languages["y"] + languages["height"] <= row + 1


def test_the_integration_select_fits_the_phone(phone: Page, live_server):
    phone.goto(live_server.url + "/")
    select = phone.locator("#id_integration").bounding_box()
    assert select is not None
    assert select["x"] >= 0
    assert select["x"] + select["width"] <= 390
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    overflow = phone.evaluate(
        "getComputedStyle(document.querySelector('#id_integration')).textOverflow"
    )
    assert overflow == "ellipsis"
