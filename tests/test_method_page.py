"""The method page explains model version 3 with the model's own figures,
keeps versions 2 and 1 for older links, and defines its terms in a glossary."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from calculator import formatting, model
from tests.helpers import LANGUAGES

GLOSSARY_TERMS = (
    "p10-p90",
    "true-purchases",
    "true-cpa",
    "break-even",
    "break-even-spend",
    "acr",
    "aem",
    "fbp-fbc",
    "match-rate",
    "npv",
    "roi",
    "payback",
    "holdout",
    "route",
    "deduplication",
    "anchor",
)


def method(client, language: str = "en") -> str:
    prefix = "" if language == "en" else f"/{language}"
    return client.get(f"{prefix}/method/").content.decode()


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def row_cells(html: str, label: str) -> list[str]:
    row = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', html)
    assert row, label
    return re.findall(r"<td>(.*?)</td>", row.group(1))


class TestVersion3FiguresComeFromTheModel:
    def test_the_route_table_is_the_models_own(self, client, monkeypatch):
        table = {
            **model.ROUTE_RECOVERY,
            "backend": model.Recovery(0, 0, 0.81, 0.72, 0.93),
            "relay_third": model.Recovery(0, 0, 0.44, 0.33, 0.55),
        }
        monkeypatch.setitem(model.VERSIONS, 3, replace(model.VERSIONS[3], recovery=table))
        html = section(method(client), 'id="recovery-caption"', "</table>")
        assert row_cells(html, "Ad blockers") == ["81%", "50%", "44%", "10%", "10%"]
        assert row_cells(html, "Safari cookie expiry") == ["72%", "70%", "33%", "70%", "35%"]
        assert row_cells(html, "Consent refusals") == ["0%"] * 5

    def test_each_routes_figures_at_the_defaults_follow_the_model(self, client):
        html = section(method(client), 'id="routes-caption"', "</table>")
        inputs = replace(model.DEFAULTS, setup="gateway", server_ip="third")
        meta = model.VERSIONS[3].compute(inputs).platforms["meta"]
        cells = row_cells(html, "Gateway, an address of its own")
        assert cells == [
            formatting.percent(value)
            for value in (
                meta.recovered_share,
                meta.coverage_after,
                meta.lift_ceiling,
                meta.estimated_cpa_gain,
            )
        ]
        assert cells[0] == "12.8%"  # the spec's worked example: G = 12.83%

    def test_the_anchor_and_the_share_counted_follow_the_model(self, client, monkeypatch):
        html = method(client)
        assert "<var>θ</var> = 35%" in html
        assert "never more than 25.9%" in html  # θ/(1+θ)
        assert "the anchor is 5.28%" in html
        assert "50% for Meta by default" in html
        assert "defaults to 0%" in html  # Google's and TikTok's share
        monkeypatch.setattr(model, "THETA", 0.4)
        monkeypatch.setattr(model, "DEFAULTS", replace(model.DEFAULTS, google_lift_share=25))
        html = method(client)
        assert "<var>θ</var> = 40%" in html
        assert "never more than 28.6%" in html
        assert "defaults to 25%" in html

    def test_the_guards_state_the_models_bars(self, client, monkeypatch):
        html = section(method(client), 'id="orders"', 'id="holdout"')
        assert "more than 70% of the store" in html
        assert "more than 60%, above every median" in html
        assert "below 0.25× or above 25× (50× for Google Ads" in html
        assert "about 11,690 true ones" in html  # consent at 95% on 400 reported purchases
        monkeypatch.setattr(model, "MOST_ORDERS", 0.8)
        monkeypatch.setattr(model, "ROAS_CEILING", {"meta": 30.0, "google": 60.0, "tiktok": 30.0})
        html = section(method(client), 'id="orders"', 'id="holdout"')
        assert "more than 80% of the store" in html
        assert "above 30× (60× for Google Ads" in html

    def test_the_holdout_is_one_sided_on_the_stores_orders(self, client):
        html = section(method(client), 'id="holdout"', 'id="ranges"')
        holdout = model.VERSIONS[3].compute(model.DEFAULTS).holdout
        assert "z = 1.644854 + 0.841621" in html
        assert f"about {formatting.number(holdout.orders_per_week)} orders a week" in html
        assert f"about {formatting.number(holdout.weeks_to_clear_breakeven)} weeks" in html
        assert "shorter than 15 days" in html
        assert "past 26 weeks says “no test at your volume can show this”" in html

    def test_the_typical_costs_are_the_models_table(self, client, monkeypatch):
        html = section(method(client), 'id="costs-caption"', "</table>")
        managed = row_cells(html, "Managed service (Elevar-like)")
        expected = [
            model.typical_costs("managed", replace(model.DEFAULTS, orders=orders))[1]
            for orders in (500, 5_000, 50_000)
        ]
        assert managed[3:6] == [formatting.money(cost, cents=False) for cost in expected]
        assert managed[6] == "published price"
        sgtm = row_cells(html, "Server-side GTM, self-hosted (Google Cloud)")
        assert sgtm[:3] == ["relay / relay / relay", "$1,500", "$2,100"]  # 1,500 + 300 × 2
        assert sgtm[6] == "our estimate"

        monkeypatch.setattr(model, "typical_costs", lambda key, inputs: (1234.0, 567.0))
        html = section(method(client), 'id="costs-caption"', "</table>")
        assert (
            row_cells(html, "Server-side GTM, hosted (e.g. Stape)")[1:6]
            == ["$1,234"] * 2 + ["$567"] * 3
        )

    def test_the_deduplication_keys_are_named(self, client):
        html = section(method(client), 'id="deduplication"', "</table>")
        assert "<code>event_name</code> + <code>event_id</code>" in html
        assert "<code>transaction_id</code>" in html
        assert "<code>event</code> + <code>event_id</code>" in html


class TestAnchors:
    def test_the_sections_pages_link_to_exist(self, client):
        html = method(client)
        for anchor in (
            "lift",
            "holdout",
            "recovery",
            "randomized-study",
            "glossary",
            "deduplication",
            "no-lift",
            "v2",
            "v1",
        ):
            assert f'id="{anchor}"' in html, anchor

    def test_every_link_into_the_method_page_finds_its_section(self, client):
        html = method(client)
        root = Path(settings.BASE_DIR)
        linked = set()
        for path in [*root.glob("templates/**/*.html"), *root.glob("calculator/**/*.py")]:
            linked |= set(re.findall(r"""url 'method' %\}#([\w-]+)""", path.read_text()))
            linked |= set(re.findall(r"""/method/#([\w-]+)""", path.read_text()))
        assert {"lift", "holdout"} <= linked
        for anchor in linked:
            assert f'id="{anchor}"' in html, anchor

    def test_the_lift_and_holdout_anchors_explain_version_3(self, client):
        html = method(client)
        lift = section(html, 'id="lift"', 'id="money"')
        assert "randomized" in lift
        holdout = section(html, 'id="holdout"', 'id="ranges"')
        assert "one-sided" in holdout

    def test_older_versions_are_kept_in_their_own_sections(self, client):
        html = method(client)
        older = html[html.index('id="v2"') :]
        assert "p̂ = min(25%, k · G)" in older  # version 2's slope
        assert 'id="v1"' in older
        assert "5% by default" in older[older.index('id="v1"') :]


class TestGlossary:
    @pytest.mark.parametrize("language", ["en", *LANGUAGES])
    def test_every_term_is_defined(self, client, language):
        glossary = section(method(client, language), 'id="glossary"', "</dl>")
        for term in GLOSSARY_TERMS:
            entry = re.search(rf'<dt id="term-{term}">(.+?)</dt>\s*<dd>(.+?)</dd>', glossary, re.S)
            assert entry, (language, term)
            assert entry.group(2).strip(), (language, term)

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_the_definitions_are_in_the_readers_language(self, client, language):
        english = section(method(client), 'id="glossary"', "</dl>")
        theirs = section(method(client, language), 'id="glossary"', "</dl>")
        definitions = re.findall(r"<dd>(.+?)</dd>", english, re.S)
        assert len(definitions) == len(GLOSSARY_TERMS)
        for definition in definitions:
            assert definition not in theirs, (language, definition)

    def test_match_quality_is_not_a_match_rate(self, client):
        glossary = section(method(client), 'id="glossary"', "</dl>")
        assert "score from 0 to 10" in glossary
        assert "do not copy one into the other" in glossary


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_version_3_figures_are_written_in_the_readers_language(client, language):
    html = method(client, language)
    with translation.override(language):
        anchor = formatting.percent(
            model.VERSIONS[3].compute(model.DEFAULTS).platforms["meta"].lift_ceiling
        )
    assert anchor in html
    for english in ("Relay, an address of its own", "published price", "weeks to show a fall of p"):
        assert english not in html, english
