"""Every page as a visitor receives it: no template syntax ever shows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from calculator.models import EmbedProfile, ShortLink

pytestmark = pytest.mark.django_db

# What Django prints when a tag or comment is malformed ({# #} does not span
# lines, for instance): the template's own markup, shown to the visitor.
TEMPLATE_SYNTAX = re.compile(r"\{#|\{%|\{\{")
HTMX = {"HTTP_HX_REQUEST": "true"}
# The calculator's own templates: the pages below must between them render
# every one, so a new template (or a page dropped from the list) fails until
# some page shows it.
CALCULATOR_TEMPLATES = {
    path.relative_to(settings.BASE_DIR / "templates").as_posix()
    for path in Path(settings.BASE_DIR, "templates", "calculator").glob("*.html")
}


def pages(code: str) -> list[tuple[str, dict]]:
    return [
        ("/", {}),
        ("/?spend=30k&integration=shopify", {}),
        ("/?spend=abc&months=0", {}),
        ("/?itp=99", {}),
        ("/?conversions=800", HTMX),
        ("/?margin=abc", HTMX),
        ("/?setup_cost=0&monthly_cost=0", {}),
        ("/?margin=0", {}),
        ("/?mode=save&setup_cost=1000000&spend=10", {}),
        ("/method/", {}),
        (f"/s/{code}/", {}),
        ("/embed/", {}),
        ("/embed/?spend=2&hide=share,export&compact=1&theme=dark", {}),
        ("/embed/?spend=2", HTMX),
        ("/embed/acme/", {}),
        ("/embed/builder/", {}),
        ("/embed/builder/?spend=abc", {}),
        ("/embed/builder/?spend=3", HTMX),
        (
            "/?v=3&google_spend=10000&google_conversions=300&tiktok_spend=4000"
            "&tiktok_conversions=50",
            {},
        ),
    ]


@pytest.fixture
def code() -> str:
    EmbedProfile.objects.create(
        slug="acme",
        agency_name="Acme",
        cta_label="Talk to us",
        cta_url="https://acme.example/contact",
        logo_url="https://cdn.acme.example/logo.png",
    )
    link, _ = ShortLink.create_for("spend=20000&v=1", 1)
    return link.code


def test_no_page_shows_template_syntax(client, code):
    rendered = set()
    for url, headers in pages(code):
        response = client.get(url, **headers)
        assert response.status_code == 200, url
        text = response.content.decode()
        found = TEMPLATE_SYNTAX.search(text)
        assert found is None, (url, text[max(0, found.start() - 80) : found.end() + 80])
        # A partial ("_field.html#field") is named "field": its origin names the file.
        rendered.update(template.origin.template_name for template in response.templates)
    assert len(CALCULATOR_TEMPLATES) >= 15  # the glob found the templates
    assert CALCULATOR_TEMPLATES - rendered == set(), "templates no page above renders"


def test_the_oembed_html_shows_no_template_syntax(client, code):
    body = json.loads(
        client.get(reverse("oembed"), {"url": f"http://testserver/s/{code}/"}).content
    )
    assert TEMPLATE_SYNTAX.search(body["html"] + body["title"]) is None


def test_the_check_catches_a_comment_that_spans_lines():
    from django.template import engines

    html = engines["django"].from_string("{# one\n two #}<p>x</p>").render({})
    assert TEMPLATE_SYNTAX.search(html)
