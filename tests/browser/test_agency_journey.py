"""The agency's landing page and its snippet's Copy buttons, in a browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import axe_violations
from .test_agency import signed_in  # noqa: F401 (a fixture)


def test_the_landing_page_is_accessible_and_leads_to_the_sign_up(
    page: Page, live_server, transactional_db, console
):
    page.goto(f"{live_server.url}/agency/")
    expect(page.locator("h1")).to_have_text(
        "The calculator on your own site, and the leads it brings"
    )
    # The live preview is the calculator itself.
    preview = page.frame_locator(".landing__preview iframe")
    expect(preview.locator("#verdict")).to_be_visible()
    assert axe_violations(page, "main") == []
    page.get_by_role("link", name="Open an agency account").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/signup/")
    assert console == []


# The snippet's own field, whatever the profile's id (the dashboard names it by id).
@pytest.mark.parametrize(
    ("path", "field"), [("/agency/", "textarea.snippet"), ("/agency/profiles/acme/", "#snippet")]
)
def test_the_snippet_copies_with_one_click(
    signed_in: Page,  # noqa: F811 (the fixture imported above)
    live_server,
    path,
    field,
    console,
):
    signed_in.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=live_server.url
    )
    signed_in.goto(f"{live_server.url}{path}")
    button = signed_in.get_by_role("button", name="Copy snippet")
    expect(button).to_be_visible()  # shown by the script, where the clipboard works
    button.click()
    expect(signed_in.locator(".copy-row [role=status]")).to_have_text("Copied the snippet.")
    snippet = signed_in.locator(field).input_value()
    assert "border:0" in snippet
    assert signed_in.evaluate("navigator.clipboard.readText()") == snippet
    assert console == []
