"""Lead capture in an agency's embed on another site, with third-party cookies blocked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db.backends.signals import connection_created
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import Browser, expect

from calculator import model
from calculator.models import Delivery, Lead
from tests.agency_helpers import make_agency, make_profile

from .conftest import AXE, watch
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


def open_on_host(browser: Browser, live_server, host: HostSite, console, width: int = 1100):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = watch(context.new_page(), console)
    page.set_default_timeout(10_000)
    src = f"{live_server.url}/embed/acme/?spend=20000&frame=capi-roi"
    host.pages["/host.html"] = (
        "<!doctype html><title>Agency</title><h1>Our agency</h1>"
        f'<iframe src="{src}" title="CAPI ROI calculator" width="100%" height="1400"'
        f' data-capi-roi></iframe><script src="{live_server.url}/embed.js" async></script>'
    )
    page.goto(f"{host.url}/host.html")
    return context, page, embed_frame(page)


def test_a_lead_is_captured_inside_another_sites_frame(
    browser: Browser, live_server, host: HostSite, agency_profile, console
):
    context, page, frame = open_on_host(browser, live_server, host, console)
    form = frame.locator("#lead-form")
    expect(form).to_be_visible()
    assert not frame.locator("#lead-consent").is_checked()
    assert axe_violations_in(frame) == []
    frame.fill("#lead-email", "visitor@shop.example")
    frame.fill("#lead-name", "Vera")
    frame.check("#lead-consent")
    frame.click("#lead-form button[type=submit]")
    expect(frame.locator("#lead-form")).to_contain_text("Report on its way")
    expect(frame.locator(".verdict__title")).to_be_visible()  # the result stays

    lead = Lead.objects.get()
    assert lead.email == "visitor@shop.example"
    assert lead.marketing_consent
    # New results are made with the current model version, and the link names it.
    assert "spend=20000" in lead.result_url
    assert lead.result_url.endswith(f"&v={model.CURRENT_VERSION}")
    assert lead.model_version == model.CURRENT_VERSION
    kinds = set(Delivery.objects.filter(lead=lead).values_list("kind", flat=True))
    assert kinds == {"report", "agency_email"}
    queued = DBTaskResult.objects.filter(task_path="calculator.agency.tasks.deliver")
    assert queued.count() == 2
    assert context.cookies() == []  # no cookie on either site, no CSRF cookie
    assert console == []
    context.close()


def test_an_expired_form_says_so_in_place_and_keeps_the_result(
    browser: Browser, live_server, host: HostSite, agency_profile, console
):
    context, page, frame = open_on_host(browser, live_server, host, console)
    frame.locator("#lead-form input[name=token]").evaluate("el => el.value = 'acme:1:forged'")
    frame.fill("#lead-email", "visitor@shop.example")
    frame.click("#lead-form button[type=submit]")
    expect(frame.locator("#lead-form [role=alert]")).to_contain_text("This form has expired")
    expect(frame.locator(".verdict__title")).to_be_visible()
    # A recalculation brings a fresh form for the new result, keeping what was typed.
    frame.fill("#lead-email", "again@shop.example")
    frame.fill("#id_conversions", "800")
    expect(frame.locator("#lead-form input[name=q]")).to_have_value(re.compile("conversions=800"))
    expect(frame.locator("#lead-email")).to_have_value("again@shop.example")
    frame.click("#lead-form button[type=submit]")
    expect(frame.locator("#lead-form")).to_contain_text("Report on its way")
    lead = Lead.objects.get()
    assert lead.email == "again@shop.example"
    assert "conversions=800" in lead.result_url
    context.close()


def axe_violations_in(frame) -> list[dict]:
    """axe-core's violations within the lead form of a frame."""
    frame.evaluate(AXE.read_text())
    return frame.evaluate(
        """async () => (await axe.run(document.querySelector('#lead-form'))).violations.map(
            v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"""
    )


def test_a_refusal_is_answered_in_place_with_debug_on_too(
    browser: Browser, live_server, host: HostSite, agency_profile, console, settings
):
    """With DEBUG on, django-htmx shows a 400 answer as a whole page; the
    form's refusal must still swap in place, the page and its style kept."""
    settings.DEBUG = True
    context, page, frame = open_on_host(browser, live_server, host, console)
    assert frame.locator("script[data-debug=True]").count() == 1  # django-htmx's debug helper
    frame.fill("#lead-email", "not an address")
    frame.click("#lead-form button[type=submit]")
    expect(frame.locator("#lead-email-error")).to_have_text("Enter a valid email address.")
    expect(frame.locator(".verdict__title")).to_be_visible()
    assert frame.evaluate("document.styleSheets.length") >= 1
    context.close()


@contextmanager
def read_only_database() -> Iterator[None]:
    """Every connection opened meanwhile refuses writes, as one opened while
    the database file was read-only does.

    From before the page is opened: the live server keeps a connection per
    browser connection (keep-alive), so one opened earlier would still write.
    """

    def refuse_writes(sender, connection, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = ON")

    connection_created.connect(refuse_writes)
    try:
        yield
    finally:
        connection_created.disconnect(refuse_writes)


def test_a_lead_the_database_cannot_take_says_so_and_keeps_what_was_typed(
    browser: Browser, live_server, host: HostSite, agency_profile, console
):
    with read_only_database():
        context, page, frame = open_on_host(browser, live_server, host, console)
        frame.fill("#lead-email", "visitor@shop.example")
        frame.fill("#lead-name", "Vera")
        frame.check("#lead-consent")
        frame.click("#lead-form button[type=submit]")
        alert = frame.locator("#lead-form [role=alert]")
        expect(alert).to_contain_text(
            "We could not save your request just now. Please try again in a minute."
        )
        expect(frame.locator(".verdict__title")).to_be_visible()  # the result stays
        # What was typed stays, to send again in a minute.
        expect(frame.locator("#lead-email")).to_have_value("visitor@shop.example")
        expect(frame.locator("#lead-name")).to_have_value("Vera")
        expect(frame.locator("#lead-consent")).to_be_checked()
        expect(frame.locator("#lead-form button[type=submit]")).to_be_enabled()
    assert not Lead.objects.exists()
    context.close()
