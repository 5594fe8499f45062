"""A profile's embed on an agency's page: links to the host page, short links
that open it, and leads that carry the host page and the result's figures."""

from __future__ import annotations

import csv
import io
import json
import re
from email.utils import parseaddr
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from calculator.agency import delivery
from calculator.agency.export import CSV_COLUMNS
from calculator.embeds import display as embed
from calculator.forms import FORM_KEYS
from calculator.models import EmbedProfile, Lead, ShortLink
from calculator.sharing import links
from tests.agency_helpers import lead_post, make_agency, make_profile

pytestmark = pytest.mark.django_db

HOST = "https://agency.example/roi/?utm_source=news"
LOADER = Path(settings.BASE_DIR) / "static" / "js" / "embed.js"

TWO_PLATFORMS = "spend=20000&google_spend=10000&google_conversions=300&v=3"


@pytest.fixture
def profile():
    return make_profile(make_agency("owner@acme.example"), "acme", accent="#c2410c")


def embed_html(client, query: str, slug: str = "acme") -> str:
    response = client.get(f"/embed/{slug}/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def share_field(html: str) -> str:
    return unescape(
        re.search(r'id="share-link" class="share__link" type="url" value="([^"]*)"', html)[1]
    )


class TestTheHostPage:
    def test_is_read_only_for_a_profile_and_as_an_http_address(self):
        assert embed.display_options({"host": HOST}).host is None  # the site's own embed
        assert embed.display_options({"host": HOST}, host_origins=[]).host == HOST
        for bad in ["javascript:alert(1)", "ftp://a.example/", "/roi/", "https://u:p@a.example/",
                    "https://a.example/a b", "https://a.example:99999/", "x" * 600]:  # fmt: skip
            assert embed.display_options({"host": bad}, host_origins=[]).host is None, bad

    def test_loses_its_fragment_and_any_result_inputs(self):
        host = "https://a.example/p?spend=5&lang=de&v=2#calc"
        assert links.clean_host(host) == "https://a.example/p?lang=de"

    def test_is_held_to_the_sites_a_profile_lists(self):
        listed = ["https://agency.example"]
        assert embed.display_options({"host": HOST}, host_origins=listed).host == HOST
        other = "https://elsewhere.example/roi/"
        assert embed.display_options({"host": other}, host_origins=listed).host is None

    def test_the_loader_knows_every_result_key(self):
        keys = re.search(r"var RESULT_KEYS = \[(.*?)\];", LOADER.read_text(), re.S)[1]
        assert re.findall(r'"([a-z_0-9]+)"', keys) == [*FORM_KEYS, "v"]


class TestLinksInTheEmbed:
    def test_every_link_to_the_result_opens_the_host_page(self, client, profile):
        html = embed_html(client, "spend=30000&" + links.urlencode({"host": HOST}))
        field = share_field(html)
        assert field.startswith("https://agency.example/roi/?utm_source=news&spend=30000&")
        for network in ("linkedin.com", "x.com", "mailto:"):
            href = unescape(re.search(rf'href="([^"]*{re.escape(network)}[^"]*)"', html)[1])
            assert "agency.example%2Froi%2F" in href or "agency.example/roi/" in href, network
            assert "/share/" not in href
        # The host page rides along with a recalculation and with the lead form.
        assert html.count('name="host" value="https://agency.example/roi/?utm_source=news"') == 2

    def test_without_a_host_the_links_are_this_sites(self, client, profile):
        html = embed_html(client, "spend=30000")
        assert share_field(html).startswith("http://testserver/?spend=30000")
        assert 'name="host"' not in html

    def test_the_sites_own_embed_ignores_a_host(self, client):
        response = client.get("/embed/", {"spend": "30000", "host": HOST})
        assert "agency.example" not in response.content.decode()

    def test_a_host_is_never_markup(self, client, profile):
        hostile = 'https://a.example/"><script>alert(1)</script>'
        html = embed_html(client, links.urlencode({"spend": "30000", "host": hostile}))
        assert "<script>alert(1)" not in html


class TestShortLinks:
    def make(self, client, slug: str = "acme", host: str = HOST):
        return client.post(
            f"/embed/{slug}/link/?" + links.urlencode({"host": host}),
            json.dumps({"query": "spend=30000", "language": "en"}),
            content_type="application/json",
        )

    def test_open_the_host_page_with_the_result(self, client, profile):
        EmbedProfile.objects.filter(pk=profile.pk).update(allowed_origins="https://agency.example")
        html = embed_html(client, "spend=30000&" + links.urlencode({"host": HOST}))
        assert 'data-share-api="/embed/acme/link/?host=' in html
        response = self.make(client)
        assert response.status_code == 200
        code = response.json()["code"]
        opened = client.get(f"/s/{code}/")
        assert opened.status_code == 302
        assert opened["Location"].startswith(
            "https://agency.example/roi/?utm_source=news&spend=30000&"
        )
        # The same result on this site keeps its own short link, which opens here.
        plain = client.post(
            "/api/v1/links", {"query": "spend=30000"}, content_type="application/json"
        )
        assert plain.json()["code"] != code
        assert client.get(f"/s/{plain.json()['code']}/").status_code == 200

    def test_are_made_for_a_profile_that_lists_its_sites_or_is_approved(self, client, profile):
        # Open to any site and not approved: a redirect of ours to any address
        # would serve anyone who signs up, so the share panel keeps the API's.
        html = embed_html(client, "spend=30000&" + links.urlencode({"host": HOST}))
        assert "/embed/acme/link/" not in html
        assert self.make(client).status_code == 400
        assert ShortLink.objects.count() == 0
        EmbedProfile.objects.filter(pk=profile.pk).update(approved=True)
        assert self.make(client).status_code == 200

    def test_refuse_a_host_off_the_profiles_sites(self, client, profile):
        EmbedProfile.objects.filter(pk=profile.pk).update(allowed_origins="https://agency.example")
        assert self.make(client, host="https://evil.example/").status_code == 400


class TestLeads:
    def test_keep_the_host_page_the_query_and_the_headline_figures(self, client, profile):
        query = TWO_PLATFORMS
        response = lead_post(client, "acme", q=query, host=HOST)
        assert response.status_code == 200
        lead = Lead.objects.get()
        assert lead.host_page == HOST
        assert "google_spend=10000" in lead.query
        assert lead.query.endswith("v=3")
        assert lead.link == f"{HOST}&{lead.query}"
        assert (lead.spend, lead.google_spend, lead.tiktok_spend) == (20000, 10000, None)
        assert lead.decision in ("pays", "does-not-pay", "uncertain")
        assert lead.currency == "USD"
        assert lead.months == 12
        report = delivery.report_for(lead)
        assert lead.net == pytest.approx(report.results.net)
        assert lead.breakeven_cpa_gain == pytest.approx(report.results.breakeven_cpa_gain)
        assert lead.estimated_cpa_gain == pytest.approx(report.results.expected_cpa_gain)

    def test_export_with_their_figures_and_old_leads_with_empty_cells(self, client, profile):
        Lead.objects.create(
            profile=profile,
            email="old@shop.example",
            result_url="http://testserver/?spend=1000&v=1",
            model_version=1,
        )
        lead_post(client, "acme", host=HOST)
        out = io.StringIO()
        call_command("export_leads", "acme", stdout=out)
        rows = list(csv.DictReader(io.StringIO(out.getvalue())))
        assert list(rows[0]) == CSV_COLUMNS
        old, new = rows
        assert old["host_page"] == old["spend"] == old["decision"] == old["net"] == ""
        assert old["link"] == "http://testserver/?spend=1000&v=1"
        assert new["host_page"] == HOST
        assert float(new["spend"]) == 20000
        assert new["decision"] in ("pays", "does-not-pay", "uncertain")
        assert float(new["net"]) == pytest.approx(
            Lead.objects.get(email="visitor@shop.example").net, abs=0.01
        )

    def test_the_dashboard_shows_them(self, client, profile):
        lead_post(client, "acme", host=HOST)
        Lead.objects.create(
            profile=profile, email="old@shop.example", result_url="http://testserver/?v=1",
            model_version=1,
        )  # fmt: skip
        client.force_login(profile.owner)
        html = client.get("/agency/profiles/acme/leads/").content.decode()
        assert "Meta $20,000" in html
        assert "on https://agency.example/roi/?utm_source=news" in html
        assert 'href="https://agency.example/roi/?utm_source=news&amp;spend=20000' in html
        assert "old@shop.example" in html

    def test_the_webhook_payload_is_version_2_with_the_figures(self, client, profile):
        lead_post(client, "acme", host=HOST, q=TWO_PLATFORMS)
        payload = json.loads(delivery.webhook_body(Lead.objects.get()))
        assert payload["version"] == 2
        assert payload["host_page"] == HOST
        assert payload["result"]["link"].startswith(HOST + "&spend=20000")
        assert payload["result"]["model_version"] == 3
        assert payload["result"]["url"].startswith("http://testserver/?spend=20000")
        headline = payload["result"]["headline"]
        assert headline["spend"] == 20000
        assert headline["decision"] in ("pays", "does-not-pay", "uncertain")
        assert set(headline) >= {"net", "breakeven_cpa_gain", "estimated_cpa_gain", "months"}
        # The platforms by key, and the result named as the lead email names it.
        assert payload["result"]["platforms"] == ["meta", "google"]
        lead = Lead.objects.get()
        words = delivery.summarise(delivery.report_for(lead)).headline
        title = f"Server-side tracking for Meta and Google Ads — {words}"
        assert payload["result"]["title"] == title

    def test_the_webhook_title_is_in_the_agencys_language(self, client, profile):
        EmbedProfile.objects.filter(pk=profile.pk).update(language="de")
        lead_post(client, "acme", host=HOST, q=TWO_PLATFORMS)
        payload = json.loads(delivery.webhook_body(Lead.objects.get()))
        assert "Meta und Google Ads" in payload["result"]["title"]
        assert payload["result"]["platforms"] == ["meta", "google"]  # keys, in every language

    def test_an_old_link_is_meta_alone(self, client, profile):
        lead = Lead.objects.create(
            profile=profile, email="old@shop.example", result_url="http://testserver/?spend=1000&v=1",
            model_version=1,
        )  # fmt: skip
        payload = json.loads(delivery.webhook_body(lead))
        assert payload["result"]["platforms"] == ["meta"]
        assert payload["result"]["title"].startswith("Server-side tracking for Meta — ")


class TestEmails:
    def test_the_report_is_the_agencys_from_the_sites_address(self, client, profile):
        lead_post(client, "acme", host=HOST)
        message = delivery.report_email(Lead.objects.get())
        name, address = parseaddr(message.from_email)
        assert name == "Agency acme via CAPI ROI calculator"
        assert address == parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
        assert message.reply_to == ["sales@acme.example"]
        html = message.alternatives[0][0]
        assert f'href="{HOST.replace("&", "&amp;")}&amp;spend=20000' in html
        assert "#0b57b8" not in html  # the agency's colour, not the site's
        assert "background:#" + embed.readable("c2410c", embed.LIGHT_BACKGROUNDS) in html
        assert f"{HOST}&spend=20000" in message.body

    def test_a_logo_is_linked_absolutely(self, client, profile):
        EmbedProfile.objects.filter(pk=profile.pk).update(logo_png=b"png", logo_digest="abc")
        lead_post(client, "acme")
        html = delivery.report_email(Lead.objects.get()).alternatives[0][0]
        assert f'src="{settings.SITE_URL}/embed/acme/logo.png?v=abc"' in html

    def test_the_agency_email_names_the_page_and_the_figures(self, client, profile):
        lead_post(client, "acme", host=HOST)
        message = delivery.agency_email(Lead.objects.get())
        assert f"A visitor asked for their report on {HOST}." in message.body
        assert "Monthly spend: Meta $20,000" in message.body
        assert re.search(r"Decision: (Pays|Does not pay|Too close to call)", message.body)


class TestCompactLayout:
    def test_puts_the_rest_behind_one_disclosure(self, client, profile):
        html = embed_html(client, "spend=30000&layout=compact")
        assert re.search(r'<body class="embed[^"]* embed--layout-compact"', html)
        assert html.index('id="lead-form"') < html.index('<details class="embed__more">')
        assert html.index('<details class="embed__more">') < html.index(
            "section-title", html.index('id="lead-form"')
        )
        assert 'name="layout" value="compact"' in html

    def test_a_profile_may_choose_it(self, client, profile):
        EmbedProfile.objects.filter(pk=profile.pk).update(layout="compact")
        assert "embed--layout-compact" in embed_html(client, "spend=30000")
        assert "embed--layout-compact" not in embed_html(client, "spend=30000&layout=full")

    def test_the_full_layout_has_no_disclosure(self, client, profile):
        assert "embed__more" not in embed_html(client, "spend=30000")
