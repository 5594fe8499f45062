"""An agency's way in and around: the landing page, signing up and being signed
in by the confirmation, its emails, saving a profile, its starting inputs, its
themes and logos, and the dashboard's word when deliveries wait."""

from __future__ import annotations

import io
import re
import time
from datetime import timedelta

import pytest
from allauth.account.internal import stagekit
from django.core import mail
from django.utils import timezone
from PIL import Image

from calculator.models import Delivery, EmbedProfile
from tests.agency_helpers import lead_post, make_agency, make_profile

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-pass-phrase-42"


@pytest.fixture
def agency(client):
    owner = make_agency("owner@acme.example")
    profile = make_profile(owner, "acme", default_inputs="spend=20000&consent=40")
    client.force_login(owner)
    return profile


def profile_data(profile: EmbedProfile, **changes) -> dict:
    """The profile form as the page posts it, unchanged but for ``changes``."""
    data = {
        "agency_name": profile.agency_name,
        "slug": profile.slug,
        "accent": profile.accent or "#0b57b8",
        "theme": profile.theme,
        "layout": profile.layout or "full",
        "language": profile.language,
        "lead_capture": "on" if profile.lead_capture else "",
        "privacy_url": profile.privacy_url,
        "lead_retention_days": profile.lead_retention_days,
        "notify_email": profile.notify_email,
        "powered_by": "on",
    }
    data.update({key: profile.defaults.get(key, "") for key in ("spend", "currency")})
    return {key: value for key, value in (data | changes).items() if value != ""}


def png(colour: str) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGBA", (120, 40), colour).save(out, "PNG")
    out.seek(0)
    out.name = "logo.png"
    return out


class TestLanding:
    @pytest.mark.parametrize(
        ("prefix", "words"),
        [
            ("", "The calculator on your own site, and the leads it brings"),
            ("/de", "Der Rechner auf Ihrer eigenen Website"),
            ("/fr", "Le calculateur sur votre propre site"),
            ("/es", "La calculadora en su propio sitio"),
        ],
    )
    def test_for_agencies_explains_the_account_in_each_language(self, client, prefix, words):
        page = client.get(f"{prefix}/agency/").content.decode()
        assert words in page
        assert f'href="{prefix}/accounts/signup/"' in page  # the sign-up button
        assert f'href="{prefix}/accounts/login/"' in page
        # A live preview: the calculator's own embed, in the page's language.
        preview = re.search(r'<iframe src="([^"]+)"', page).group(1)
        assert preview.startswith("/embed/?spend=20000&amp;")
        assert ("lang=" + prefix[1:]) in preview if prefix else "lang=" not in preview

    def test_the_masthead_links_to_it(self, client):
        page = client.get("/").content.decode()
        assert 'href="/agency/"' in page

    def test_a_signed_in_agency_gets_its_dashboard_there(self, client, agency):
        page = client.get("/agency/").content.decode()
        assert "Agency acme" in page
        assert "Open an agency account" not in page


class TestSignUp:
    def sign_up(self, client, email: str = "new@agency.example") -> str:
        client.post(
            "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
        )
        link = re.search(r"https?://testserver(/accounts/confirm-email/\S+)", mail.outbox[-1].body)
        assert link, mail.outbox[-1].body
        return link.group(1)

    def test_the_confirmation_email_names_the_product_not_the_host(self, client):
        self.sign_up(client)
        message = mail.outbox[-1]
        assert message.subject == "CAPI ROI calculator: Please Confirm Your Email Address"
        assert message.body.startswith("Hello,\n")
        assert "opened an agency account on the CAPI ROI calculator (testserver)" in message.body
        assert "Hello from" not in message.body
        assert "has given your email address" not in message.body
        assert "new@agency.example" not in message.body.split("http")[0]  # no "user new"
        assert message.body.rstrip().endswith("CAPI ROI calculator\ntestserver")

    def test_confirming_an_hour_later_still_signs_the_agency_in(self, client, monkeypatch):
        path = self.sign_up(client)
        later = time.time() + 60 * 60  # allauth's own limit was 15 minutes
        monkeypatch.setattr(stagekit.time, "time", lambda: later)
        assert client.post(path).status_code == 302
        assert "Make your first profile" in client.get("/agency/").content.decode()

    def test_confirming_in_another_browser_asks_for_a_sign_in(self, client, django_user_model):
        path = self.sign_up(client)
        client.logout()
        client.cookies.clear()
        response = client.post(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        assert django_user_model.objects.get().emailaddress_set.get().verified


class TestProfileForm:
    def test_saving_says_saved(self, client, agency):
        response = client.post("/agency/profiles/acme/", profile_data(agency), follow=True)
        page = response.content.decode()
        assert re.search(r'<div class="notice" role="status"><p>Saved\.</p>', page)
        # Once: the next page does not say it again.
        assert "Saved." not in client.get("/agency/profiles/acme/").content.decode()

    def test_the_layout_is_full_or_compact(self, client, agency):
        page = client.get("/agency/profiles/acme/").content.decode()
        options = re.findall(
            r'<option value="(\w*)"', page.split('name="layout"', 1)[1].split("</select>")[0]
        )
        assert options == ["full", "compact"]
        client.post("/agency/profiles/acme/", profile_data(agency, layout="compact"))
        agency.refresh_from_db()
        assert agency.layout == "compact"

    def test_the_starting_inputs_can_preset_the_platforms(self, client, agency):
        page = client.get("/agency/profiles/acme/").content.decode()
        for name in ("google_spend", "google_conversions", "tiktok_spend", "store"):
            assert f'name="{name}"' in page
        client.post(
            "/agency/profiles/acme/",
            profile_data(agency, google_spend="5000", google_conversions="80"),
        )
        agency.refresh_from_db()
        assert "google_spend=5000&google_conversions=80" in agency.default_inputs

    def test_the_accent_is_a_colour_picker(self, client, agency):
        page = client.get("/agency/profiles/acme/").content.decode()
        assert re.search(r'<input type="color" name="accent" value="#0b57b8"', page)

    def test_the_sites_own_colour_stays_the_sites(self, client, agency):
        client.post("/agency/profiles/acme/", profile_data(agency, accent="#0b57b8"))
        agency.refresh_from_db()
        assert agency.accent == ""
        client.post("/agency/profiles/acme/", profile_data(agency, accent="#FF8800"))
        agency.refresh_from_db()
        assert agency.accent == "#ff8800"

    def test_the_starting_inputs_are_the_calculators_own_fields(self, client, agency):
        page = client.get("/agency/profiles/acme/").content.decode()
        assert 'name="default_inputs"' not in page
        assert re.search(r'<input id="b-spend" name="spend"[^>]* value="20000"', page)
        assert re.search(r'<select id="b-currency" name="currency"', page)

    def test_starting_inputs_are_stored_as_the_query_they_always_were(self, client, agency):
        data = profile_data(agency, spend="30.000,5", currency="EUR", margin="35,5")
        response = client.post("/de/agency/profiles/acme/", data)
        assert response.status_code == 302
        agency.refresh_from_db()
        # Read as a German types numbers; an input offered nowhere here is kept.
        assert agency.default_inputs == "spend=30000.5&margin=35.5&currency=EUR&consent=40"

    def test_a_bad_starting_input_is_named_at_its_field(self, client, agency):
        response = client.post("/agency/profiles/acme/", profile_data(agency, margin="140"))
        page = response.content.decode()
        assert response.status_code == 200
        assert "Fix the starting inputs marked below." in page
        field = page.split('id="b-margin"', 1)[1].split("</div>", 1)[0]
        assert 'aria-invalid="true"' in field
        assert "Contribution margin must be" in field
        agency.refresh_from_db()
        assert agency.default_inputs == "spend=20000&consent=40"

    def test_emptying_the_fields_starts_from_the_calculators_defaults(self, client, agency):
        client.post("/agency/profiles/acme/", profile_data(agency, spend=""))
        agency.refresh_from_db()
        assert agency.default_inputs == "consent=40"

    def test_copy_buttons_for_the_snippet(self, client, agency):
        for path, field in (("/agency/", "snippet-"), ("/agency/profiles/acme/", "snippet")):
            page = client.get(path).content.decode()
            assert re.search(rf'<button type="button" class="button" data-copy="{field}', page)
            assert "js/builder.js" in page


class TestThemes:
    def test_a_new_profile_is_light(self, client, agency):
        data = profile_data(agency, slug="fresh", agency_name="Fresh")
        del data["theme"]
        form = client.get("/agency/profiles/new/").content.decode()
        assert re.search(r'<option value="light" selected>', form)
        assert EmbedProfile(slug="x").theme == "light"
        client.post("/agency/profiles/new/", data | {"theme": "light"})
        assert EmbedProfile.objects.get(slug="fresh").theme == "light"

    def test_following_the_visitor_stays_a_choice(self, client, agency):
        client.post("/agency/profiles/acme/", profile_data(agency, theme="auto"))
        agency.refresh_from_db()
        assert agency.theme == "auto"

    def test_the_preview_shows_light_and_dark_side_by_side(self, client, agency):
        page = client.get("/agency/profiles/acme/").content.decode()
        frames = re.findall(r'<iframe class="preview preview--(\w+)" src="([^"]+)"', page)
        assert [theme for theme, _ in frames] == ["light", "dark"]
        assert frames[0][1].endswith("theme=light")
        assert frames[1][1].endswith("theme=dark")

    def test_a_logo_without_a_dark_version_gets_a_plate(self, client, agency):
        client.post("/agency/profiles/acme/", profile_data(agency) | {"logo": png("#102030")})
        page = client.get("/embed/acme/?theme=dark").content.decode()
        assert re.search(r'<img class="embed__logo embed__logo--plate" src="/embed/acme/logo', page)

    def test_a_dark_logo_is_shown_on_dark_backgrounds(self, client, agency):
        data = profile_data(agency) | {"logo": png("#102030"), "logo_dark": png("#f0f0f0")}
        client.post("/agency/profiles/acme/", data)
        agency.refresh_from_db()
        assert agency.logo_dark_digest
        assert agency.logo_dark_digest != agency.logo_digest
        dark = client.get("/embed/acme/?theme=dark").content.decode()
        assert f'src="{agency.logo_dark_src}"'.replace("&", "&amp;") in dark
        assert "embed__logo--plate" not in dark
        light = client.get("/embed/acme/?theme=light").content.decode()
        assert "logo-dark.png" not in light
        auto = client.get("/embed/acme/?theme=auto").content.decode()
        assert re.search(
            r'<picture><source srcset="/embed/acme/logo-dark\.png\?v=\w+" '
            r'media="\(prefers-color-scheme: dark\)"><img class="embed__logo" '
            r'src="/embed/acme/logo\.png',
            auto,
        )
        served = client.get(agency.logo_dark_src)
        assert served["Content-Type"] == "image/png"
        assert served["Cache-Control"] == "public, max-age=31536000, immutable"
        with Image.open(io.BytesIO(served.content)) as image:
            assert image.getpixel((0, 0))[:3] == (240, 240, 240)

    def test_the_dark_logo_can_be_removed(self, client, agency):
        client.post("/agency/profiles/acme/", profile_data(agency) | {"logo_dark": png("#fff")})
        client.post("/agency/profiles/acme/", profile_data(agency, remove_logo_dark="on"))
        agency.refresh_from_db()
        assert agency.logo_dark_digest == ""
        assert client.get("/embed/acme/logo-dark.png").status_code == 404


class TestWaitingDeliveries:
    def test_the_dashboard_warns_when_deliveries_wait_over_ten_minutes(self, client, agency):
        lead_post(client, "acme")  # the report and the agency's email, queued
        assert "waited more than 10 minutes" not in client.get("/agency/").content.decode()
        Delivery.objects.update(created=timezone.now() - timedelta(minutes=11))
        page = client.get("/agency/").content.decode()
        assert "2 lead emails and webhooks have waited more than 10 minutes" in page
        assert "<code>manage.py db_worker</code>" in page

    def test_a_retry_not_yet_due_or_a_claimed_send_is_no_cause_for_alarm(self, client, agency):
        lead_post(client, "acme")
        old = timezone.now() - timedelta(minutes=30)
        report, email = Delivery.objects.order_by("id")
        Delivery.objects.filter(pk=report.pk).update(
            created=old, next_attempt=timezone.now() + timedelta(minutes=5)
        )
        Delivery.objects.filter(pk=email.pk).update(
            created=old, claimed_until=timezone.now() + timedelta(minutes=1)
        )
        assert "waited more than 10 minutes" not in client.get("/agency/").content.decode()

    def test_another_agencys_waiting_deliveries_are_not_ours(self, client, agency):
        other = make_profile(make_agency("bob@beta.example"), "beta")
        lead_post(client, other.slug)
        Delivery.objects.update(created=timezone.now() - timedelta(minutes=11))
        assert "waited more than 10 minutes" not in client.get("/agency/").content.decode()
