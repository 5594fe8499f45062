"""Shared results: the canonical query, the money and percent texts, and the card tags."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict

from calculator import formatting, model
from calculator.forms import CalculatorForm
from calculator.sharing import links as sharing

from .helpers import head_of


def form_of(query: str) -> CalculatorForm:
    form = CalculatorForm(QueryDict(query))
    assert form.is_valid(), form.errors
    return form


class TestCanonicalQuery:
    def test_equivalent_spellings_give_one_string(self):
        first = form_of("spend=5e4&consent=40").canonical_query()
        second = form_of("v=3&consent=40.0&junk=1&spend=50000").canonical_query()
        assert first == second

    def test_it_names_every_input_in_order_then_the_version(self):
        pairs = [pair.split("=") for pair in form_of("v=2").canonical_query().split("&")]
        keys = [key for key, _ in pairs]
        optional = ("orders", "acr", "cpa_gain", *model.QUIET_AT_DEFAULT)
        assert keys == [k for k in model.INPUT_KEYS if k not in optional] + ["v"]
        assert dict(pairs)["spend"] == "20000"
        assert dict(pairs)["v"] == "2"
        current = [pair.split("=") for pair in form_of("").canonical_query().split("&")]
        optional_v3 = (*optional, *model.QUIET_V3)
        assert [key for key, _ in current] == [k for k in model.V3_KEYS if k not in optional_v3] + [
            "v"
        ]
        assert dict(current)["v"] == "3"

    def test_a_version_1_query_keeps_its_form(self):
        pairs = [pair.split("=") for pair in form_of("v=1&orders=9").canonical_query().split("&")]
        optional = ("acr", *model.QUIET_AT_DEFAULT)
        assert [key for key, _ in pairs] == [k for k in model.V1_KEYS if k not in optional] + ["v"]
        assert dict(pairs)["cpa_gain"] == "5"

    def test_different_inputs_differ(self):
        assert form_of("spend=1").canonical_query() != form_of("spend=2").canonical_query()

    def test_it_reads_back_as_the_same_inputs(self):
        form = form_of("spend=123.5&acr=30&currency=EUR&mode=save")
        again = form_of(form.canonical_query())
        assert again.inputs() == form.inputs()


class TestFormatting:
    @pytest.mark.parametrize(
        ("value", "currency", "expected"),
        [
            (984.4, "USD", "$984"),
            (12345, "EUR", "€12,345"),
            (1500, "GBP", "£1,500"),
            (2000, "JPY", "¥2,000"),
            (1200, "CHF", "CHF 1,200"),
            (-120.6, "USD", "−$121"),
            (0.4, "CAD", "CA$0"),
            (58_448_814_064, "USD", "$58.4B"),
            (250_000_000, "USD", "$250M"),
            (999_999, "USD", "$999,999"),
            (999_960_000, "USD", "$1.0B"),
            (99_960_000, "EUR", "€100M"),
            (-2_500_000, "SEK", "−2.5M kr"),
        ],
    )
    def test_headline_money(self, value, currency, expected):
        assert formatting.money_short(value, currency) == expected


class TestShareLinks:
    def test_every_link_carries_the_url_encoded(self):
        url = "https://roi.example/?spend=50000&consent=40&v=1"
        links = sharing.share_links(url, "CAPI pays for itself at 1.2% & more")
        linkedin = urlsplit(links["linkedin"])
        assert linkedin.netloc == "www.linkedin.com"
        assert parse_qs(linkedin.query) == {"url": [url]}
        x = urlsplit(links["x"])
        assert (x.netloc, x.path) == ("x.com", "/intent/post")
        assert parse_qs(x.query) == {"url": [url], "text": ["CAPI pays for itself at 1.2% & more"]}
        email = urlsplit(links["email"])
        assert email.scheme == "mailto"
        assert "+" not in email.query  # mail clients read '+' literally
        fields = parse_qs(email.query)
        assert fields["subject"] == ["CAPI pays for itself at 1.2% & more"]
        assert url in fields["body"][0]


class TestSocialCard:
    def test_the_bare_page_has_the_generic_card(self, client):
        response = client.get("/")
        head = head_of(response)
        assert head.title == sharing.GENERIC_TITLE
        assert head.meta["description"] == sharing.GENERIC_DESCRIPTION
        assert head.meta["og:url"] == "http://testserver/"
        assert head.meta["og:image"] == "http://testserver/card.png"
        assert head.links["canonical"] == "http://testserver/"
        assert head.meta["twitter:card"] == "summary_large_image"
        assert "Set-Cookie" not in response.headers

    def test_a_result_page_has_its_own_card(self, client):
        response = client.get("/?spend=20000")  # the defaults, named
        head = head_of(response)
        canonical = form_of("").canonical_query()
        assert head.title == (
            "Server-side tracking for Meta — Likely worth it: +$3,129 over 12 months "
            "| CAPI ROI calculator"
        )
        assert head.meta["og:title"] == head.title
        description = head.meta["og:description"]
        assert head.meta["description"] == description
        assert description.startswith(
            "It pays if it lowers your true cost per purchase by 1.24%; the evidence "
            "suggests about 2.64% (half of what the one randomized study implies, 5.28%)."
        )
        assert "Monthly profit gain: $507 ($407 after running costs)" in description
        assert "ROI over 12 months: 116% (P10–P90: " in description
        assert "Payback: Month 5" in description
        assert head.meta["og:type"] == "website"
        assert head.meta["og:url"] == f"http://testserver/?{canonical}"
        assert head.meta["og:image"] == f"http://testserver/card.png?{canonical}"
        assert (head.meta["og:image:width"], head.meta["og:image:height"]) == ("1200", "630")
        assert head.meta["og:image:alt"].startswith("CAPI ROI calculator result:")
        assert head.meta["twitter:card"] == "summary_large_image"
        assert head.links["canonical"] == f"http://testserver/?{canonical}"
        assert "Set-Cookie" not in response.headers

    def test_different_results_have_different_cards(self, client):
        small = head_of(client.get("/?spend=20000"))
        large = head_of(client.get("/?spend=20000&aov=40&currency=EUR"))
        assert small.meta["og:image"] != large.meta["og:image"]
        assert small.meta["og:description"] != large.meta["og:description"]
        assert "€" in large.meta["og:description"]

    def test_an_invalid_query_has_the_generic_card(self, client):
        head = head_of(client.get("/?spend=abc"))
        assert head.title == sharing.GENERIC_TITLE
        assert head.meta["og:image"] == "http://testserver/card.png"
        assert head.meta["og:url"] == "http://testserver/"

    def test_tracking_parameters_alone_are_the_bare_page(self, client):
        head = head_of(client.get("/?utm_source=newsletter&fbclid=abc"))
        assert head.title == sharing.GENERIC_TITLE

    def test_typed_text_is_never_echoed(self, client):
        response = client.get('/?spend="><script>alert(1)</script>&aov=<b>')
        assert b"<script>alert(1)" not in response.content

    def test_the_share_context_has_links_and_the_api(self, client):
        share = client.get("/?spend=30000").context["share"]
        assert share["short_api"] == "http://testserver/api/v1/links"
        assert share["page_url"].startswith("http://testserver/?spend=30000&")
        assert share["links"]["linkedin"] == f"/share/linkedin/?{share['query']}"


class TestHoldoutInputsInLinks:
    def test_they_are_named_only_when_changed(self):
        assert "holdout" not in form_of("holdout_weeks=8&holdout_share=50").canonical_query()
        query = form_of("holdout_weeks=12&holdout_share=30").canonical_query()
        assert query.endswith("&holdout_weeks=12&holdout_share=30&v=3")

    def test_they_leave_the_range_alone(self):
        plain = model.report(form_of("").inputs())
        planned = model.report(form_of("holdout_weeks=20").inputs())
        assert planned.uncertainty == plain.uncertainty
