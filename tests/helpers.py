"""Helpers shared by several test modules: pages fetched and parsed, the catalogs."""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings


class Head(HTMLParser):
    """Collects <title>, <meta> and <link rel> of a page's head (SVG titles are not)."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.languages: dict[str, str] = {}  # hreflang alternates: language -> address
        self.title = ""
        self._in_title = False
        self._in_head = True

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self._in_head = False
        if not self._in_head:
            return
        found = dict(attrs)
        if tag == "meta":
            key = found.get("property") or found.get("name")
            if key:
                self.meta[key] = found.get("content", "")
        elif tag == "link" and "hreflang" in found:
            self.languages[found["hreflang"]] = found.get("href", "")
        elif tag == "link" and "rel" in found:
            self.links[found["rel"]] = found.get("href", "")
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def head_of(response) -> Head:
    parser = Head()
    parser.feed(response.content.decode())
    return parser


class Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text = ""
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_text += data.strip()


def parse(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    return tags


def page(client, query: str = "", **headers) -> str:
    response = client.get(f"/?{query}", **headers)
    assert response.status_code == 200
    return response.content.decode()


def page_text(client, query: str = "") -> str:
    """The page with its whitespace runs made single spaces, as a reader sees it."""
    return " ".join(unescape(page(client, query)).split())


LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalog(language: str):
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as source:
        return read_po(source, locale=language)
