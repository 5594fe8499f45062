"""The agency pages in a browser: sign-in, dashboard, profile, leads; axe finds nothing."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from tests.agency_helpers import make_agency, make_profile

from .conftest import axe_violations

PASSWORD = "a-long-pass-phrase-42"


@pytest.fixture
def signed_in(page: Page, live_server, transactional_db) -> Page:
    """A signed-in agency: its session made by Django's test client, handed to the browser."""
    user = make_agency("owner@acme.example", PASSWORD)
    make_profile(user, "acme")
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    return page


def test_axe_finds_nothing_on_the_account_pages(page: Page, live_server, transactional_db):
    for path in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("h1")).to_be_visible()
        assert axe_violations(page) == [], path


@pytest.mark.parametrize(
    "path",
    ["/agency/", "/agency/profiles/acme/", "/agency/profiles/new/", "/agency/profiles/acme/leads/"],
)
def test_axe_finds_nothing_on_the_agency_pages(signed_in: Page, live_server, path, console):
    signed_in.goto(f"{live_server.url}{path}")
    expect(signed_in.locator("h1")).to_be_visible()
    assert axe_violations(signed_in, "main") == []
    assert console == []


def test_the_profile_page_previews_the_saved_embed(signed_in: Page, live_server, console):
    signed_in.goto(f"{live_server.url}/agency/profiles/acme/")
    for theme in ("light", "dark"):  # side by side
        frame = signed_in.frame_locator(f"iframe.preview--{theme}")
        expect(frame.locator("#lead-form")).to_be_visible()
        expect(frame.locator("body")).to_have_class(re.compile(rf"\btheme-{theme}\b"))
    assert "/embed/acme/" in signed_in.locator("#snippet").input_value()
    assert console == []
