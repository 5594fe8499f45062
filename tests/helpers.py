"""Helpers shared by the sharing tests: the page's meta tags, read as a crawler does."""

from __future__ import annotations

from html.parser import HTMLParser


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
