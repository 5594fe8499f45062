"""The Nu HTML checker (vnu-jar from npm, run by Debian's Java) finds no error on any page
of the site, in any state, nor in the snippet agencies paste into their own pages."""

from __future__ import annotations

import html
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import DatabaseError

from calculator import model
from calculator.models import EmbedProfile, ShortLink

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

PAGES = {
    "home": "/",
    "result": "/?spend=50000&consent=40&currency=EUR",
    "invalid-input": "/?margin=140&spend=-1",
    "method": "/method/",
    "builder": "/embed/builder/",
    "builder-profile": "/embed/builder/?profile=acme&accent=%23ff8800&hide=share",
    "embed": "/embed/",
    "embed-options": "/embed/?spend=20000&theme=dark&compact=1&hide=losses,share&accent=f80",
    "embed-profile": "/embed/acme/?spend=9000",
    "not-found": "/no-such-page/",
    "embed-not-found": "/embed/no-such-agency/",
    "agency-landing": "/agency/",
    "agency-landing-de": "/de/agency/",
    "home-de": "/de/",
    "result-de": "/de/?spend=50000&consent=40&currency=EUR",
    "invalid-input-fr": "/fr/?margin=140&spend=-1",
    "method-es": "/es/method/",
    "builder-de": "/de/embed/builder/",
    "embed-de": "/embed/?spend=20000&lang=de",
    "not-found-de": "/de/no-such-page/",
    # Version 3 with Meta, Google Ads and TikTok: the table of platforms.
    "result-v3": "/?v=3&google_spend=10000&google_conversions=300&tiktok_spend=4000"
    "&tiktok_conversions=50",
    "result-v3-fr": "/fr/?v=3&google_spend=10000&google_conversions=300&integration=shopify",
    "embed-v3": "/embed/?v=3&tiktok_spend=4000&tiktok_conversions=50&lang=es",
    "embed-three-platforms": (
        "/embed/?google_spend=10000&google_conversions=300&tiktok_spend=4000"
        "&tiktok_conversions=50&integration=sgtm_hosted&store=shopify"
    ),
    "stale-verdict": "/?ads=&ads=meta&ads=google&google_spend=5000",
    # A host fixed the platforms: no choice of them, the two set kept as hidden inputs.
    "embed-platforms-fixed": (
        "/embed/?ads=meta&ads=google&google_spend=5000&google_conversions=80&hide=platforms"
    ),
}

# A host page as an agency might write it, around what the builder gave them.
HOST_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Our CAPI calculator</title></head>
<body>
<main>
<h1>Does server-side tracking pay for you?</h1>
{snippet}
</main>
</body>
</html>
"""


def nu_errors(files: list[Path]) -> dict[str, list[str]]:
    """The checker's errors per file name (warnings and notes are not errors)."""
    java = shutil.which("java")
    assert java, "Java is needed for the Nu checker: apt-get install default-jre-headless"
    assert VNU.exists(), "npm ci installs vnu-jar (scripts/bootstrap)"
    result = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stderr)
    errors: dict[str, list[str]] = {}
    for message in report["messages"]:
        if message["type"] in ("error", "non-document-error"):
            name = Path(message.get("url", "?")).name
            errors.setdefault(name, []).append(
                f"line {message.get('lastLine')}: {message['message']} "
                f"[{message.get('extract', '').strip()}]"
            )
    return errors


def test_every_page_and_the_snippet_are_valid(client, tmp_path, monkeypatch):
    EmbedProfile.objects.create(
        slug="acme",
        agency_name="Acme Growth",
        accent="#123456",
        logo_url="https://acme.example/logo.png",
        cta_label="Book an audit",
        cta_url="https://acme.example/audit",
    )
    link, _ = ShortLink.create_for("spend=20000&v=1", 1)
    pages = {**PAGES, "short-link": f"/s/{link.code}/"}
    files = []
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code in (200, 404), path
        # Template comments span one line only; a longer one would show as text.
        assert b"{#" not in response.content, path
        assert b"{%" not in response.content, path
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)

    # The 500 page, as a visitor meets it.
    def broken(*args, **kwargs):
        raise DatabaseError("the database went away")

    monkeypatch.setattr(model, "report", broken)
    client.raise_request_exception = False
    failed = client.get(f"/s/{link.code}/")
    assert failed.status_code == 500
    files.append(tmp_path / "server-error.html")
    files[-1].write_bytes(failed.content)
    monkeypatch.undo()

    # The snippets: from the builder, and from oEmbed, pasted into a host page.
    builder = client.get("/embed/builder/?profile=acme&height=900").content.decode()
    code = builder.split('id="embed-code"')[1].split("</textarea>")[0].split(">", 1)[1]
    files.append(tmp_path / "snippet.html")
    files[-1].write_text(HOST_PAGE.format(snippet=html.unescape(code)))
    oembed = client.get("/oembed", {"url": "http://testserver/?spend=5000", "maxwidth": "600"})
    files.append(tmp_path / "oembed-snippet.html")
    files[-1].write_text(HOST_PAGE.format(snippet=oembed.json()["html"]))

    assert nu_errors(files) == {}


def test_the_checker_does_report_errors(tmp_path):
    """The check can fail: an hx- attribute and a width in per cent are errors."""
    page = tmp_path / "bad.html"
    page.write_text(
        HOST_PAGE.format(
            snippet='<form hx-get="/"></form><iframe src="/" title="x" width="100%"></iframe>'
        )
    )
    errors = nu_errors([page])["bad.html"]
    assert any("hx-get" in error for error in errors)
    assert any("width" in error for error in errors)
