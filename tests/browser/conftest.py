"""Playwright driving Debian's Chromium against the live test server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

# Playwright's sync API runs an event loop in the test thread; the test
# database set-up there is ordinary blocking code, which Django allows here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(item.fspath).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)  # each page is served by Django's live server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-quic"]
        )
        yield browser
        browser.close()


class ConsoleLog(list[str]):
    """Console errors and uncaught exceptions of one page."""


@pytest.fixture
def console() -> ConsoleLog:
    return ConsoleLog()


def watch(page: Page, console: ConsoleLog) -> Page:
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(str(e)))
    return page


@pytest.fixture
def page(browser: Browser, console: ConsoleLog, live_server) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = watch(context.new_page(), console)
    page.set_default_timeout(10_000)
    yield page
    context.close()


PHONE = {"viewport": {"width": 390, "height": 844}}


@pytest.fixture
def phone(browser: Browser, console: ConsoleLog, live_server) -> Iterator[Page]:
    """A page 390 px wide, its first screen 844 px tall."""
    context = browser.new_context(**PHONE)
    page = watch(context.new_page(), console)
    page.set_default_timeout(10_000)
    yield page
    context.close()


def axe_violations(page: Page, selector: str | None = None) -> list[dict]:
    """axe-core's violations; evaluated through the protocol, so the CSP allows it."""
    page.evaluate(AXE.read_text())
    context = f"document.querySelector({selector!r})" if selector else "document"
    return page.evaluate(
        f"""async () => (await axe.run({context})).violations.map(v => ({{
            id: v.id, impact: v.impact,
            nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}}))"""
    )
