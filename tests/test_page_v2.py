"""What version 2 adds to the page: where the lift comes from, the store's
orders, warnings beside the headline, and why consent moves profit."""

from __future__ import annotations

import csv
import io
import re

from tests.helpers import page_text as page


class TestWhereTheLiftComesFrom:
    def test_an_estimated_lift_names_its_signal(self, client):
        html = page(client, "v=2")
        assert "the evidence suggests about 4.89%." in html
        assert (
            "4.89%, estimated from the 24.5% more purchase events Meta will match; "
            "enter your own from a holdout test."
        ) in html

    def test_an_entered_lift_is_the_visitors_own(self, client):
        html = page(client, "cpa_gain=8&v=2")
        assert "you expect 8%." in html
        assert "8%, as you entered it; the 24.5% more purchase events Meta will match " in html
        assert "suggest 4.89%." in html

    def test_a_measured_acr_is_named_as_such(self, client):
        html = page(client, "acr=39.1&v=2")
        assert "from the 39.1% more purchase events Meta will match, as Events Manager" in html

    def test_the_method_is_linked(self, client):
        assert 'href="/method/#lift"' in page(client, "v=2")


class TestOrders:
    def test_the_share_of_orders_is_said(self, client, defaults):
        html = page(client, "orders=1000&v=2")
        n = round(defaults.true_purchases)
        share = f"{defaults.true_purchases / 1000:.1%}"
        assert f"Meta drives about {n} of your 1,000 orders a month ({share})." in html

    def test_too_few_orders_is_a_field_message(self, client, defaults):
        html = page(client, "orders=580&v=2")
        n = round(defaults.true_purchases)
        assert (
            f'id="orders-error">The loss rates and the 400 purchases reported imply about {n}'
            in (html)
        )
        assert 'name="orders"' in html
        assert 'aria-invalid="true"' in html


class TestWarnings:
    def test_none_at_the_defaults(self, client):
        assert "Check before you rely on this" not in page(client, "v=2")

    def test_they_are_worded_beside_the_headline(self, client):
        html = page(client, "consent=95&cpa_gain=20&v=2")
        # In the verdict, after its headline and its actions, before the figures.
        warning = html.index("Check before you rely on this")
        assert html.index('id="verdict-title"') < warning < html.index("</section>")
        assert warning < html.index("Profit from the performance lift")
        assert "Ads Manager reports 400 of about 11,690 a month" in html
        assert "A 20% fall in true cost per purchase is above the 13% Meta reports" in html


def test_the_tornado_says_why_consent_moves_profit(client):
    html = page(client, "consent=40&v=2")
    assert "Lift per extra signal" in html
    assert "What CAPI recovers" in html
    assert "they make the platforms' true business bigger" in html
    assert "server events recover none of them" in html


class TestVersion1Pages:
    def test_an_old_link_offers_only_its_own_inputs(self, client):
        html = page(client, "v=1")
        assert 'name="orders"' not in html
        assert 'name="lift_slope"' not in html
        assert 'name="cpa_gain"' in html
        assert "you expect 5%." in html
        assert "estimated from the" not in html
        assert "true business bigger" not in html


def test_the_csv_names_the_lift_used(client):
    rows = list(csv.reader(io.StringIO(client.get("/export.csv?cpa_gain=&v=2").content.decode())))
    figures = {row[0]: row[1] for row in rows if len(row) >= 2}
    assert figures["Where that fall comes from"] == "estimated from the signal"
    assert figures["Fall in true cost per purchase used (%)"] == "4.89"
    assert figures["Estimated fall in true cost per purchase (%)"] == "4.89"
    assert figures["More matched purchase events Meta receives (%)"] == "24.46"
    assert "Expected true CPA improvement (%)" not in figures  # empty: estimated
    assert figures["Lift per extra signal (%)"] == "20"


class TestMethodPage:
    def test_it_explains_version_2_with_linked_sources(self, client):
        html = client.get("/method/").content.decode()
        assert 'id="lift"' in html
        assert "p̂ = min(25%, k · G)" in html
        links = set(re.findall(r'href="(https://[^"]+)"', html))
        assert len(links) >= 15
        for source in (
            "https://developers.facebook.com/docs/marketing-api/reference/ads-dataset-capiacr/",
            "https://webkit.org/blog/8613/intelligent-tracking-prevention-2-1/",
            "https://resources.eyeo.com/ad-filtering-report-pr",
        ):
            assert source in links
        assert "Why the match rates are 85% and 92%" in html
        assert "no range is “certainly positive”" in html
