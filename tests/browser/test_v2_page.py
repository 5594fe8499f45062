"""Where the lift comes from, warnings and the holdout planner, in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import axe_violations

SOURCE = ".lift-source"
PLANNER = ".holdout"


def test_an_entered_lift_replaces_the_estimate_live(page: Page, live_server, console):
    page.goto(live_server.url + "/?v=2")
    expect(page.locator(SOURCE).first).to_contain_text("estimated from the 24.5% more")
    page.fill("#id_cpa_gain", "8")
    expect(page.locator(SOURCE).first).to_contain_text("8%, as you entered it")
    expect(page).to_have_url(re.compile(r"[?&]cpa_gain=8(&|$)"))
    page.fill("#id_cpa_gain", "")
    expect(page.locator(SOURCE).first).to_contain_text("estimated from the 24.5% more")
    # Empty: estimated, so the normalised link leaves the key out.
    expect(page).not_to_have_url(re.compile(r"cpa_gain="))
    assert console == []


def test_too_few_orders_is_said_at_the_field(page: Page, live_server):
    page.goto(live_server.url + "/?v=2")
    page.fill("#id_orders", "580")
    expect(page.locator("#orders-error")).to_contain_text("imply about 584 Meta-driven")
    expect(page.locator("#id_orders")).to_have_attribute("aria-invalid", "true")
    page.fill("#id_orders", "1000")
    expect(page.locator(SOURCE).last).to_contain_text("Meta drives about 584 of your 1,000")


def test_the_holdout_inputs_update_the_planner_live(page: Page, live_server, console):
    page.goto(live_server.url + "/?v=2")
    expect(page.locator(PLANNER)).to_contain_text("an 8-week 50/50 test")
    page.click("details.advanced summary")
    page.fill("#id_holdout_weeks", "12")
    expect(page.locator(PLANNER)).to_contain_text("a 12-week 50/50 test")
    expect(page).to_have_url(re.compile(r"[?&]holdout_weeks=12(&|$)"))
    page.fill("#id_holdout_share", "30")
    expect(page.locator(PLANNER)).to_contain_text("a 12-week 70/30 test")
    assert console == []


def test_axe_finds_nothing_with_warnings_and_the_planner(browser, live_server):
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(live_server.url + "/?consent=95&cpa_gain=20&orders=20000&v=2")
        expect(page.locator(".warnings")).to_be_visible()
        assert axe_violations(page) == []
        context.close()
