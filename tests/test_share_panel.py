"""The share panel partial: semantic, script-free by default, and only for results."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.found if name == tag]


def panel(client, query: str) -> tuple[str, Elements, dict]:
    share = client.get(f"/{query}").context["share"]
    html = render_to_string("calculator/_share.html", {"share": share})
    parsed = Elements()
    parsed.feed(html)
    return html, parsed, share


class TestSharePanel:
    def test_it_offers_the_link_and_plain_share_links(self, client):
        html, parsed, share = panel(client, "?spend=50000&currency=EUR")
        (section,) = parsed.all("section")
        assert section["class"] == "share"
        assert section["data-share-query"] == share["query"]
        assert section["data-share-api"] == "http://testserver/api/v1/links"
        (field,) = parsed.all("input")
        assert field["value"] == share["page_url"]
        assert "readonly" in field
        assert field["id"] in {label.get("for") for label in parsed.all("label")}
        hrefs = [a["href"] for a in parsed.all("a")]
        assert hrefs == [share["links"]["linkedin"], share["links"]["x"], share["links"]["email"]]

    def test_copy_buttons_are_left_out_where_no_script_runs(self, client):
        _html, parsed, _share = panel(client, "?spend=50000")
        buttons = parsed.all("button")
        assert [b["data-share-copy"] for b in buttons] == ["link", "short"]
        assert all(b["type"] == "button" for b in buttons)
        # The stylesheet leaves them out without scripts (the browser test looks).
        css = Path(finders.find("css/site.css")).read_text()
        rule = re.search(r"@media \(scripting: none\) \{ ([^{]+) \{ display: none; \} \}", css)
        assert "[data-share-copy]" in rule.group(1)

    def test_it_announces_and_its_page_loads_its_script(self, client):
        html, parsed, _share = panel(client, "?spend=50000")
        (status,) = [p for p in parsed.all("p") if p.get("class") == "share__status"]
        assert status["aria-live"] == "polite"
        # The page loads the script, so a panel that arrives in an htmx swap works too.
        page = Elements()
        page.feed(client.get("/?spend=x").content.decode())
        assert any(s["src"].endswith("js/share.js") and "defer" in s for s in page.all("script"))
        assert finders.find("js/share.js")
        for _tag, attrs in parsed.found:
            assert not any(name.startswith("on") for name in attrs)
            assert "style" not in attrs

    def test_the_bare_page_has_no_panel(self, client):
        html, _parsed, _share = panel(client, "")
        assert html.strip() == ""
