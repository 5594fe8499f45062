"""A version 3 link with Meta, Google Ads and TikTok on every surface: the
page (and its htmx answer), the embed, the card, the CSV, the share text and
the emails show the store's figures and one row per platform, and none breaks."""

from __future__ import annotations

import csv
import io
import re
from types import SimpleNamespace

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import translation

from calculator import model
from calculator.forms import CalculatorForm
from calculator.summary import platform_rows, summarise

pytestmark = pytest.mark.django_db

THREE = (
    "v=3&setup=backend&google_spend=10000&google_conversions=300"
    "&tiktok_spend=4000&tiktok_conversions=50"
)


def three_platform_report() -> model.Report:
    form = CalculatorForm(QueryDict(THREE))
    assert form.is_valid(), form.errors
    return model.report(form.inputs(), form.version)


def text_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def assert_no_template_syntax(text: str) -> None:
    for mark in ("{{", "}}", "{%", "%}", "%("):
        assert mark not in text, mark
    # A Python None printed where a figure belongs ("None needed" is a payback).
    assert not re.search(r"\bNone\b(?! needed)", text)


def table_rows(page: str) -> list[str]:
    """The platforms of the section "What each platform will report", one table each."""
    section = page.split('id="platforms-title"', 1)[1]
    return re.findall(
        r'<div class="table-wrap platform-table" id="platform-\w+">\s*'
        r'<table class="compare">\s*<caption><strong>([^<]+)</strong>',
        section,
    )


class TestThePage:
    @pytest.mark.parametrize("prefix", ["", "/de", "/fr", "/es"])
    def test_it_shows_the_store_figures_and_one_row_per_platform(self, client, prefix):
        page = text_of(client.get(f"{prefix}/?{THREE}"))
        assert table_rows(page) == ["Meta", "Google Ads", "TikTok"]
        # docs/model.md's worked example: Google and TikTok count as reporting
        # only, so the money is Meta's alone and the net is $3,129.
        assert "3,129" in page or "3.129" in page or "3\u202f129" in page
        assert 'data-decision="pays"' in page
        assert_no_template_syntax(page.split("<body", 1)[1])

    def test_the_htmx_answer_is_the_same_results(self, client):
        partial = text_of(client.get(f"/?{THREE}", headers={"HX-Request": "true"}))
        assert table_rows(partial) == ["Meta", "Google Ads", "TikTok"]
        assert "Model version 3." in partial

    def test_a_bare_version_3_link_shows_meta_alone(self, client):
        page = text_of(client.get("/?v=3"))
        assert table_rows(page) == ["Meta"]

    def test_a_platform_without_server_events_says_so(self, client):
        page = text_of(client.get(f"/?{THREE}&integration=shopify"))
        assert "Not covered by this integration: the browser tag only" in page

    def test_its_share_text_names_every_platform_spend(self, client):
        page = text_of(client.get(f"/?{THREE}"))
        assert "$10,000 a month on Google Ads" in page
        assert "$4,000 a month on TikTok ads" in page


def test_the_embed_shows_them(client):
    embed = text_of(client.get(f"/embed/?{THREE}&lang=de"))
    assert table_rows(embed) == ["Meta", "Google Ads", "TikTok"]
    assert_no_template_syntax(embed.split("<body", 1)[1])


def test_the_card_draws_it(client):
    response = client.get(f"/card.png?{THREE}", follow=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert (
        b"".join(response.streaming_content if response.streaming else [response.content])[:8]
        == b"\x89PNG\r\n\x1a\n"
    )


def test_the_csv_has_the_store_figures_and_a_row_per_platform(client):
    text = text_of(client.get(f"/export.csv?{THREE}"))
    rows = list(csv.reader(io.StringIO(text)))
    by_label = {row[0]: row[1:] for row in rows if row}
    assert by_label["Model version"] == ["3"]
    assert by_label["Net over 12 months (USD)"][0] == "3128.69"
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Platform")
    assert [row[0] for row in rows[header + 1 : header + 4]] == ["Meta", "Google Ads", "TikTok"]
    google = rows[header + 2]
    assert google[1:3] == ["300.00", "365.27"]
    assert google[5] == "0.00"  # no lift counted for Google Ads by default
    assert by_label["Monthly Google Ads spend (USD)"] == ["10000"]
    assert_no_template_syntax(text)


def test_the_summary_words_the_store_and_counts_the_platforms():
    report = three_platform_report()
    summary = summarise(report)
    assert summary.verdict == "clears"  # p_e ≈ 1.43% against a break-even of ≈ 0.675%
    assert summary.figure == "0.67%"
    assert summary.expected == "1.43%"
    assert summary.get("net").value == "$3,129"
    assert [row.name for row in platform_rows(report)] == ["Meta", "Google Ads", "TikTok"]
    assert platform_rows(model.report(model.DEFAULTS, 2)) == []


@pytest.mark.parametrize("template", ["report.txt", "report.html", "lead.txt", "lead.html"])
def test_the_emails_show_the_store_figures(template):
    report = three_platform_report()
    lead = SimpleNamespace(
        name="Vera",
        email="v@shop.example",
        result_url=f"https://example.com/?{THREE}",
        message="",
        created_at=None,
        model_version=3,
    )
    profile = SimpleNamespace(agency_name="Acme", notify_email="a@acme.example")
    with translation.override("en"):
        text = render_to_string(
            f"agency/email/{template}",
            {
                "lead": lead,
                "profile": profile,
                "report": report,
                "summary": summarise(report),
                "LANGUAGE_CODE": "en",
            },
        )
    assert summarise(report).headline in text
    if template.startswith("report"):  # the visitor's report lists the figures
        assert "$3,129" in text
    assert_no_template_syntax(text)
