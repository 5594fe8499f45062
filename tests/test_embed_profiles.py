"""Agencies' embed profiles: validation, what the embed shows, and the daily counts."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from calculator.models import EmbedDailyStat, EmbedProfile
from tests.helpers import parse

pytestmark = pytest.mark.django_db


def make(**fields) -> EmbedProfile:
    values = {"slug": "acme", "agency_name": "Acme Growth"} | fields
    profile = EmbedProfile(**values)
    profile.full_clean()
    profile.save()
    return profile


def errors_of(**fields) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        make(**fields)
    return caught.value.message_dict


class TestValidation:
    def test_a_complete_profile_is_normalised(self):
        profile = make(
            accent="F80",
            logo_url="https://acme.example/logo.svg",
            cta_label="Book a tracking audit",
            cta_url="https://acme.example/audit",
            default_inputs="?currency=EUR&spend=20000",
            allowed_origins="https://Acme.example/, https://shop.acme.example:8443\n",
        )
        assert profile.accent == "#ff8800"
        assert profile.default_inputs == "spend=20000&currency=EUR"
        assert profile.origins == ["https://acme.example", "https://shop.acme.example:8443"]

    @pytest.mark.parametrize(
        "url",
        [
            "javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "http://acme.example/audit",
            "//acme.example/audit",
            "/audit",
            "https://user:pw@acme.example/",
            "https://acme.example/" + "x" * 600,
        ],
    )
    def test_only_https_links(self, url):
        errors = errors_of(cta_label="Audit", cta_url=url, logo_url=url)
        assert "cta_url" in errors
        assert "logo_url" in errors

    @pytest.mark.parametrize(
        ("text", "codes"),
        [
            ("Acme\r\nBcc: victim@mail.example", "U+000A, U+000D"),  # breaks every email header
            ("\x1b[31mAcme", "U+001B"),  # a terminal escape
            ("Acme \u202etiduA", "U+202E"),  # reads backwards from here on
            ("Ac\u200bme", "U+200B"),  # a zero-width space
        ],
    )
    def test_the_name_and_label_hold_no_control_characters(self, text, codes):
        """On the model, so the admin and create_agency refuse them too."""
        errors = errors_of(agency_name=text, cta_label=text, cta_url="https://acme.example/a")
        for field in ("agency_name", "cta_label"):
            assert errors[field] == [f"Remove the invisible or control characters ({codes})."]

    def test_letters_of_every_script_and_emoji_are_plain_text(self):
        name = "Agentur Müller · 東京 · مرحبا 🚀"
        profile = make(agency_name=name, cta_label="Termin ✓", cta_url="https://acme.example/t")
        assert profile.agency_name == name

    def test_a_label_needs_its_link(self):
        assert "cta_url" in errors_of(cta_label="Book a tracking audit")

    @pytest.mark.parametrize("accent", ["red", "#12345", "red;}</style>", "#" + "f" * 6 + "0"])
    def test_the_accent_is_a_hex_colour(self, accent):
        assert "accent" in errors_of(accent=accent)

    @pytest.mark.parametrize(
        ("text", "words"),
        [
            ("spend=abc", "Monthly Meta ad spend must be"),
            ("margin=140", "Contribution margin must be"),
            ("spend=1&spend=2", "more than once"),
            ("bogus=1", "Unknown inputs: bogus"),
            ("currency=XYZ", "Currency must be one of"),
        ],
    )
    def test_default_inputs_go_through_the_calculator_form(self, text, words):
        assert words in " ".join(errors_of(default_inputs=text)["default_inputs"])

    @pytest.mark.parametrize(
        "origin",
        [
            "http://acme.example",
            "https://acme.example/path",
            "https://*.acme.example",
            "*",
            "'none'",
            "https://acme.example;script-src",
            "acme.example",
            "https://acme..example",
        ],
    )
    def test_allowed_sites_are_https_origins(self, origin):
        assert "allowed_origins" in errors_of(allowed_origins=origin)

    def test_the_builder_address_is_reserved(self):
        assert "slug" in errors_of(slug="builder")


class TestProfileEmbed:
    def test_unknown_profiles_are_not_found(self, client):
        assert client.get("/embed/nobody/").status_code == 404

    def test_it_applies_the_profile(self, client):
        make(
            accent="#123456",
            logo_url="https://cdn.acme.example/logo.png",
            cta_label="Book a tracking audit",
            cta_url="https://acme.example/audit",
            default_inputs="spend=20000&currency=EUR",
            powered_by=False,
        )
        response = client.get("/embed/acme/")
        html = response.content.decode()
        tags = parse(html).tags
        logo = next(a for t, a in tags if t == "img" and "embed__logo" in a.get("class", ""))
        assert logo == {
            "class": "embed__logo embed__logo--plate",  # no logo for dark backgrounds
            "src": "https://cdn.acme.example/logo.png",
            "alt": "Acme Growth",
        }
        assert (
            "img-src 'self' data: https://cdn.acme.example" in response["Content-Security-Policy"]
        )
        cta = next(a for t, a in tags if t == "a" and a.get("href") == "https://acme.example/audit")
        assert cta["class"] == "button"
        assert cta["target"] == "_blank"
        assert ">Book a tracking audit</a>" in html
        assert "Powered by" not in html
        assert "&quot;currency&quot;: &quot;EUR&quot;" in html  # the figures' data
        assert 'value="20000"' in html
        assert "/embed/theme.css?accent=123456" in html
        form = next(a for t, a in tags if t == "form")
        assert form["action"] == form["data-hx-get"] == "/embed/acme/"

    def test_the_query_overrides_the_profile(self, client):
        make(accent="#123456", default_inputs="spend=20000&currency=EUR")
        html = client.get("/embed/acme/?currency=GBP&accent=abcdef").content.decode()
        assert "&quot;currency&quot;: &quot;GBP&quot;" in html  # the figures' data
        assert 'value="20000"' in html
        assert "accent=abcdef" in html
        assert "accent=123456" not in html
        html = client.get("/embed/acme/?accent=nope").content.decode()
        assert "accent=123456" in html

    def test_the_cta_stays_after_a_recalculation(self, client):
        make(cta_label="Book a tracking audit", cta_url="https://acme.example/audit")
        html = client.get("/embed/acme/?spend=9000", HTTP_HX_REQUEST="true").content.decode()
        assert "https://acme.example/audit" in html


class TestDailyCounts:
    def test_loads_are_views_and_recalculations_are_calculations(self, client):
        profile = make()
        client.get("/embed/acme/")
        client.get("/embed/acme/?spend=2000")
        client.get("/embed/acme/?spend=3000", HTTP_HX_REQUEST="true")
        client.get("/embed/acme/?margin=140", HTTP_HX_REQUEST="true")  # invalid: nothing shown
        client.head("/embed/acme/")
        client.get("/embed/")  # no profile, nothing to count
        stat = EmbedDailyStat.objects.get(profile=profile)
        assert (stat.views, stat.calculations) == (2, 1)
        assert stat.day == datetime.datetime.now(datetime.UTC).date()
        assert EmbedDailyStat.objects.count() == 1

    def test_the_loaders_reload_is_the_same_view(self, client):
        """The frame loads, the loader adds host= and it loads again: one view."""
        profile = make()
        host = "&host=https%3A%2F%2Fagency.example%2Froi%2F"
        client.get("/embed/acme/?frame=f1")
        client.get("/embed/acme/?frame=f1" + host)
        assert EmbedDailyStat.objects.get(profile=profile).views == 1
        # A loader that ran first: one load, with host. Scripts stripped: one, without.
        client.get("/embed/acme/?frame=f2" + host)
        client.get("/embed/acme/?frame=f3")
        assert EmbedDailyStat.objects.get(profile=profile).views == 3
        # Another visitor's reload pairs with nothing of this one's.
        client.get("/embed/acme/?frame=f3", REMOTE_ADDR="203.0.113.9")
        client.get("/embed/acme/?frame=f4" + host, REMOTE_ADDR="198.51.100.7")
        assert EmbedDailyStat.objects.get(profile=profile).views == 5

    def test_counting_creates_then_adds(self):
        profile = make()
        for _ in range(3):
            EmbedDailyStat.count(profile, "calculations")
        EmbedDailyStat.count(profile, "views")
        stat = EmbedDailyStat.objects.get()
        assert (stat.views, stat.calculations) == (1, 3)

    def test_only_aggregate_numbers_are_stored(self):
        names = {f.name for f in EmbedDailyStat._meta.get_fields()}
        assert names == {"id", "profile", "day", "views", "calculations", "leads"}


class TestAdmin:
    def test_the_admin_needs_a_login(self, client):
        response = client.get("/admin/calculator/embedprofile/")
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]

    def test_profiles_and_their_counts_in_the_admin(self, admin_client):
        profile = make()
        EmbedDailyStat.count(profile, "views")
        html = admin_client.get(f"/admin/calculator/embedprofile/{profile.pk}/change/")
        assert html.status_code == 200
        assert "Embed daily stats" in html.content.decode()

    def test_the_admin_refuses_a_javascript_link(self, admin_client):
        response = admin_client.post(
            "/admin/calculator/embedprofile/add/",
            {
                "slug": "evil",
                "agency_name": "Evil",
                "cta_label": "Click",
                "cta_url": "javascript:alert(1)",
                "powered_by": "on",
                "stats-TOTAL_FORMS": "0",
                "stats-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 200  # the form again, with its message
        assert not EmbedProfile.objects.filter(slug="evil").exists()

    def test_the_admin_refuses_a_line_break_in_the_name(self, admin_client):
        response = admin_client.post(
            "/admin/calculator/embedprofile/add/",
            {
                "slug": "crlf",
                "agency_name": "Crlf\r\nBcc: x@y.example",
                "theme": "auto",
                "lead_retention_days": "180",
                "stats-TOTAL_FORMS": "0",
                "stats-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 200
        assert "Remove the invisible or control characters" in response.content.decode()
        assert not EmbedProfile.objects.filter(slug="crlf").exists()

    def test_staff_approve_profiles_in_the_admin(self, admin_client):
        waiting, other = make(), make(slug="other")
        assert not waiting.approved  # nobody's profile is approved by default
        listing = admin_client.get("/admin/calculator/embedprofile/?approved__exact=0")
        assert "Acme Growth" in listing.content.decode()
        response = admin_client.post(
            "/admin/calculator/embedprofile/",
            {"action": "approve", "_selected_action": [waiting.pk]},
        )
        assert response.status_code == 302
        assert EmbedProfile.objects.get(pk=waiting.pk).approved
        assert not EmbedProfile.objects.get(pk=other.pk).approved
        admin_client.post(
            "/admin/calculator/embedprofile/",
            {"action": "withdraw_approval", "_selected_action": [waiting.pk]},
        )
        assert not EmbedProfile.objects.get(pk=waiting.pk).approved
        change = admin_client.get(f"/admin/calculator/embedprofile/{waiting.pk}/change/")
        assert 'name="approved"' in change.content.decode()

    def test_the_admin_saves_a_valid_profile(self, admin_client):
        response = admin_client.post(
            "/admin/calculator/embedprofile/add/",
            {
                "slug": "good",
                "agency_name": "Good",
                "theme": "auto",
                "lead_retention_days": "180",
                "default_inputs": "margin=30",
                "allowed_origins": "https://good.example",
                "powered_by": "on",
                "stats-TOTAL_FORMS": "0",
                "stats-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 302
        assert EmbedProfile.objects.get(slug="good").default_inputs == "margin=30"
