"""One result, one set of words and figures, wherever it is shown."""

from __future__ import annotations

import csv
import io
import json
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict
from hypothesis import given, settings
from hypothesis import strategies as st

from calculator import model
from calculator.forms import CalculatorForm
from calculator.summary import summarise

from .helpers import head_of

pytestmark = pytest.mark.django_db


def report_of(query: str = "") -> model.Report:
    form = CalculatorForm(QueryDict(query))
    assert form.is_valid(), form.errors
    return model.report(form.inputs(), form.version)


class TestWords:
    def test_version_1_defaults_as_the_model_gives_them(self):
        # docs/model.md version 1: break-even CPA gain ≈ 1.24%, benefit ≈ 984.40,
        # ROI ≈ 319%, payback month 3, NPV ≈ 8,094, break-even spend ≈ 4,770.
        s = summarise(report_of("v=1"))
        assert s.verdict == "clears"
        assert s.pays
        assert s.headline == "Likely worth it: +$8,621 over 12 months"
        assert s.support == (
            "It pays if it lowers your true cost per purchase by 1.24%; you expect 5%."
        )
        assert [(f.label, f.value) for f in s.figures] == [
            ("Monthly profit gain", "$984"),
            ("ROI over 12 months", "319%"),
            ("Payback", "Month 3"),
            ("Net over 12 months", "$8,621"),  # 984.40 × 11.5 − 2,700
        ]
        assert s.get("payback").range == "NPV $8,094"
        assert s.get("net").note == "break-even spend $4,770 a month"
        # 584.49 × 0.05 / 0.95 = 30.76 extra purchases: whole from 10 up.
        assert "from 31 extra purchases a month" in s.get("monthly_benefit").note
        assert s.lift_source == "5%, as you entered it; confirm it with a holdout test."

    def test_version_2_defaults_as_the_model_gives_them(self):
        # docs/model.md version 2: p-hat ≈ 4.893%, benefit ≈ 962.19, net ≈ 8,365,
        # ROI ≈ 310%, payback month 3, NPV ≈ 7,852, break-even spend ≈ 4,880.
        s = summarise(report_of("v=2"))
        assert s.support == (
            "It pays if it lowers your true cost per purchase by 1.24%; the evidence "
            "suggests about 4.89%."
        )
        assert [(f.label, f.value) for f in s.figures] == [
            ("Monthly profit gain", "$962"),
            ("ROI over 12 months", "310%"),
            ("Payback", "Month 3"),
            ("Net over 12 months", "$8,365"),
        ]
        assert s.get("payback").range == "NPV $7,852"
        assert s.get("net").note == "break-even spend $4,880 a month"
        assert s.lift_source.startswith(
            "4.89%, estimated from the 24.5% more purchase events Meta will match"
        )
        assert s.title == "Server-side tracking for Meta — Likely worth it: +$8,365 over 12 months"

    def test_the_chance_reads_as_english(self):
        s = summarise(report_of())
        assert s.chance.startswith("It pays within 12 months in ")
        assert "a over" not in s.sentences
        assert "a under" not in s.sentences

    def test_nothing_to_pay_back_is_said_everywhere_alike(self):
        s = summarise(report_of("setup_cost=0&monthly_cost=0"))
        assert s.verdict == "free"
        assert s.get("roi").value == "n/a"
        assert s.get("roi").note == "nothing to pay back: it costs nothing"
        # Not "Month 1" beside "nothing to pay back", nor a break-even spend of $0.
        assert s.get("payback").value == "None needed"
        assert s.get("net").note == "no costs to cover"

    def test_a_result_that_falls_short_says_so(self):
        s = summarise(report_of("cpa_gain=1"))
        assert s.verdict == "short"
        assert s.decision == "does-not-pay"
        assert not s.pays
        assert s.support == (
            "It pays if it lowers your true cost per purchase by 1.24%; you expect 1% "
            "(the whole effect the study measured would be 5.28% here)."
        )
        assert s.title.endswith("Not worth it at your volume: −$527 over 12 months")

    def test_an_unrealistic_breakeven_is_named(self):
        s = summarise(report_of("spend=1000&conversions=5&aov=10&setup_cost=20000&v=2"))
        assert "More than a 50% improvement is not realistic." in s.support
        beyond = summarise(report_of("spend=1000&conversions=5&aov=10&setup_cost=20000"))
        assert "Even the whole effect the study measured would not pay" in beyond.support

    def test_percent_and_money_look_alike_on_every_surface(self):
        s = summarise(report_of("currency=EUR&cpa_gain=0.5&spend=5000&conversions=80"))
        roi_value = s.get("roi").value
        assert roi_value.startswith("−")
        assert "€" in s.get("net").value
        assert roi_value in s.description
        assert roi_value in s.announcement

    def test_amounts_of_millions_are_shortened_the_same_way(self):
        s = summarise(report_of("spend=200000000&conversions=3000000&v=2"))
        assert s.get("monthly_benefit").value == "$7.2M"

    def test_the_inputs_fit_one_line(self):
        s = summarise(report_of("spend=30000&integration=shopify&consent=40"))
        assert s.inputs_line == (
            "$30,000 a month on Meta ads · 400 purchases reported · $80 orders · "
            "40% margin · 40% refuse consent · Shopify native · lift estimated from the signal · "
            "$0 setup + $0 a month · over 12 months"
        )

    @settings(max_examples=40, deadline=None)
    @given(
        spend=st.integers(1, 10**9),
        margin=st.integers(0, 100),
        cpa_gain=st.integers(0, 50),
        setup_cost=st.integers(0, 10**7),
        mode=st.sampled_from(model.MODES),
    )
    def test_the_verdict_agrees_with_the_figures(self, spend, margin, cpa_gain, setup_cost, mode):
        inputs = model.Inputs(
            spend=spend, margin=margin, cpa_gain=cpa_gain, setup_cost=setup_cost, mode=mode
        )
        rep = model.report(inputs)
        s = summarise(rep)
        if s.verdict == "clears":
            assert rep.results.net >= -1e-6 * rep.results.total_cost
        if s.verdict in ("short", "none"):
            assert rep.results.net <= 1e-6 * rep.results.total_cost
        assert "nan" not in s.sentences.lower()
        assert "None" not in s.sentences


class TestEverySurface:
    def test_page_card_text_oembed_and_csv_say_the_same(self, client):
        query = "spend=12000&conversions=260&aov=70&currency=EUR&consent=40&cpa_gain=2"
        s = summarise(report_of(query))
        page = client.get(f"/?{query}")
        html = unescape(page.content.decode())
        assert s.headline in html
        assert s.support in html
        for figure in s.figures:
            assert figure.value in html
            assert figure.range in html
        head = head_of(page)
        assert head.title == f"{s.title} | CAPI ROI calculator"
        assert head.meta["og:description"] == s.description
        live = client.get(f"/?{query}", HTTP_HX_REQUEST="true").content.decode()
        assert unescape(live).count(s.announcement) == 1
        oembed = json.loads(client.get("/oembed", {"url": f"http://testserver/?{query}"}).content)
        assert oembed["title"] == s.title
        rows = list(csv.reader(io.StringIO(client.get(f"/export.csv?{query}").content.decode())))
        assert ["Verdict", s.headline] in rows

    def test_views_no_longer_reach_into_the_model(self):
        from pathlib import Path

        root = Path(__file__).resolve().parents[1] / "calculator"
        for name in (
            "charts.py",
            "views.py",
            "fields.py",
            "results.py",
            "sharing/links.py",
            "sharing/card.py",
            "sharing/views.py",
        ):
            text = (root / name).read_text()
            assert "VERSIONS" not in text, name
            assert "/ 100" not in text, name
            assert "/100" not in text, name
            assert "ramp_weights" not in text, name
        templates = Path(__file__).resolve().parents[1] / "templates" / "calculator"
        for template in templates.glob("*.html"):
            text = template.read_text()
            assert "breakeven >" not in text, template
            assert "headline.verdict" not in text, template


class TestShare:
    def test_networks_share_the_short_link(self, client):
        response = client.get("/share/linkedin/?spend=30000")
        assert response.status_code == 302
        target = urlsplit(response["Location"])
        assert target.netloc == "www.linkedin.com"
        url = parse_qs(target.query)["url"][0]
        assert url.startswith("http://testserver/s/")
        # The same inputs, spelled differently, give the same short link.
        again = client.get("/share/linkedin/?spend=30%2C000")
        assert parse_qs(urlsplit(again["Location"]).query)["url"][0] == url

    def test_x_and_email_carry_the_title(self, client):
        x = client.get("/share/x/?cpa_gain=1")
        fields = parse_qs(urlsplit(x["Location"]).query)
        assert fields["text"][0].endswith("Not worth it at your volume: −$527 over 12 months")
        email = client.get("/share/email/?cpa_gain=1")
        assert email["Location"].startswith("mailto:?subject=Server-side%20tracking%20for%20Meta")
        assert "%2Fs%2F" in email["Location"]

    def test_invalid_inputs_and_unknown_networks_are_refused(self, client):
        assert client.get("/share/linkedin/?spend=abc").status_code == 400
        assert client.get("/share/myspace/?spend=1").status_code == 404

    def test_past_the_hourly_limit_the_full_link_is_shared(self, client, settings):
        settings.SHORT_LINKS_PER_HOUR = 0
        response = client.get("/share/linkedin/?spend=31000")
        url = parse_qs(urlsplit(response["Location"]).query)["url"][0]
        assert url.startswith("http://testserver/?spend=31000&")

    def test_share_links_are_not_for_crawlers(self, client):
        assert "Disallow: /share/" in client.get("/robots.txt").content.decode()
        assert client.get("/share/x/?spend=1")["X-Robots-Tag"] == "noindex"


class TestLivePage:
    def test_the_address_bar_gets_the_normalised_link(self, client):
        response = client.get("/?spend=30k", HTTP_HX_REQUEST="true")
        assert response["HX-Replace-Url"].startswith("/?spend=30000&conversions=400&")

    def test_the_live_answer_carries_the_verdict_and_counts(self, client):
        html = client.get("/?cpa_gain=1&discount=8", HTTP_HX_REQUEST="true").content.decode()
        assert 'id="verdict" class="verdict verdict--does-not-pay"' in html
        assert 'data-hx-swap-oob="true"' in html
        assert "1 changed from the defaults" in html
        assert (
            "Not worth it at your volume: −$527 over 12 months · break-even 1.24%, expected 1%"
            in html
        )

    def test_a_shared_link_names_its_inputs(self, client):
        html = client.get("/?spend=30000&integration=shopify").content.decode()
        assert "Shared result." in html
        assert "Shopify native" in html
        assert "Shared result." not in client.get("/").content.decode()
        # An embed's query is the agency's prefill, not someone's shared result.
        assert "Shared result." not in client.get("/embed/?spend=30000").content.decode()

    def test_every_result_has_the_share_action(self, client):
        html = client.get("/").content.decode()
        assert "Share this result:" in html
        assert 'href="/share/linkedin/?spend=20000' in html

    def test_typical_costs_are_placeholders_and_typed_costs_values(self, client):
        html = client.get("/?integration=gateway&monthly_cost=75").content.decode()
        assert 'id="id_setup_cost" name="setup_cost"' in html
        assert 'value="" placeholder="300"' in html  # the gateway's typical setup
        assert 'value="75" placeholder="50"' in html  # typed, kept


class TestVersion2Words:
    """Where the lift comes from, the store's orders and warnings: worded here,
    once, for the page and every other surface."""

    def test_an_entered_lift_names_the_estimate_beside_it(self):
        s = summarise(report_of("cpa_gain=8&v=2"))
        assert s.support.endswith("you expect 8%.")
        assert s.lift_source == (
            "8%, as you entered it; the 24.5% more purchase events Meta will match suggest 4.89%."
        )

    def test_orders_and_warnings(self):
        s = summarise(report_of("orders=1000&v=2"))
        assert s.orders_sentence == "Meta drives about 584 of your 1,000 orders a month (58.4%)."
        claimed = summarise(report_of("orders=1000"))
        assert claimed.orders_sentence == (
            "Meta claims about 584 of your 1,000 orders a month (58.4%)."
        )
        doubtful = summarise(report_of("consent=95&cpa_gain=20&v=2"))
        assert len(doubtful.warnings) == 2
        assert "Ads Manager reports 400 of about 11,690 a month" in doubtful.warnings[0]
        assert doubtful.sensitivity_note.startswith("Consent refusals move profit")
        assert summarise(report_of("v=1")).sensitivity_note == ""
