"""Small faults of the page: figures grouped, losses with the minus sign, a
result's canonical address and printed stamp, the embed's older address."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.utils.translation import override

from calculator import formatting
from calculator.forms import CalculatorForm
from tests.helpers import head_of

NBSP = "\u00a0"


class TestGrouping:
    def test_the_orders_message_groups_the_visitors_figures(self):
        form = CalculatorForm(QueryDict("conversions=1400&orders=2000&v=2"))
        assert not form.is_valid()
        (message,) = form.errors["orders"]
        assert "the 1,400 purchases reported imply about 2,046 Meta-driven" in message
        assert "more than your 2,000 orders" in message
        most = CalculatorForm(QueryDict("conversions=1400&orders=1200"))
        assert not most.is_valid()
        assert "Meta reports 1,400 purchases" in most.errors["orders"][0]

    def test_in_german_too(self):
        with override("de"):
            form = CalculatorForm(QueryDict("conversions=1400&orders=1200"), language="de")
            assert not form.is_valid()
            (message,) = form.errors["orders"]
        assert "1.200" in message
        assert "1.400" in message

    @pytest.mark.parametrize(
        ("value", "digits", "expected"),
        [(1234.5, 1, "1,234.5"), (2.0, 1, "2"), (1.43, 1, "1.4"), (-1500, 0, "−1,500")],
    )
    def test_a_trimmed_figure_is_grouped(self, value, digits, expected):
        assert formatting.trimmed(value, digits) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("de", f"−2.329{NBSP}$"), ("fr", f"−2\u202f329{NBSP}$US"), ("es", f"−2.329{NBSP}US$")],
)
def test_a_loss_has_the_minus_sign_in_every_language(language, expected):
    with override(language):
        assert formatting.money(-2329, "USD") == expected


class TestCanonical:
    def test_a_result_names_itself_as_canonical(self, client):
        head = head_of(client.get("/?spend=30000"))
        assert head.links["canonical"] == head.meta["og:url"]
        assert "spend=30000&" in head.links["canonical"]

    def test_the_bare_page_stays_the_home_page(self, client):
        assert head_of(client.get("/")).links["canonical"] == "http://testserver/"

    def test_a_german_result_names_its_german_address(self, client):
        canonical = head_of(client.get("/de/?spend=30000")).links["canonical"]
        assert canonical.startswith("http://testserver/de/?spend=30000&")


class TestPrintStamp:
    def test_the_results_carry_their_address_and_date_for_print(self, client):
        html = client.get("/?spend=30000").content.decode()
        stamp = html.split('<p class="print-stamp">', 1)[1].split("</p>", 1)[0]
        assert stamp.startswith("Printed on ")
        assert "from http://testserver/?spend=30000&amp;" in stamp

    def test_a_live_answer_carries_the_new_address(self, client):
        html = client.get("/?spend=31000", HTTP_HX_REQUEST="true").content.decode()
        assert 'class="print-stamp"' in html
        assert "from http://testserver/?spend=31000&amp;" in html


class TestEmbedAlias:
    def test_the_older_embed_address_serves_the_calculator(self, client):
        alias = client.get("/embed/server-side-roi-calculator?spend=30000&lang=de")
        embed = client.get("/embed/?spend=30000&lang=de")
        assert alias.status_code == 200
        assert alias.content == embed.content
        for header in (
            "Content-Security-Policy",
            "Cache-Control",
            "Access-Control-Allow-Origin",
            "Content-Language",
        ):
            assert alias[header] == embed[header], header
        assert "X-Frame-Options" not in alias
        assert not alias.cookies
