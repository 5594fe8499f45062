"""Agency accounts and the /agency/ dashboard: each agency sees only its own things."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import resolve
from PIL import Image, ImageFile

from calculator.agency import delivery
from calculator.agency.urls import urlpatterns
from calculator.models import Delivery, EmbedProfile, Lead
from tests.agency_helpers import lead_post, make_agency, make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_agencies(client):
    alice, bob = make_agency("alice@alpha.example"), make_agency("bob@beta.example")
    ours, theirs = make_profile(alice, "alpha"), make_profile(bob, "beta")
    lead_post(client, "beta")  # one lead, with its deliveries, on bob's profile
    client.force_login(alice)
    return ours, theirs


def sign_up(client, address: str, email: str):
    password = "a-long-pass-phrase-42"
    return client.post(address, {"email": email, "password1": password, "password2": password})


class TestAccounts:
    def test_sign_up_verify_and_sign_in(self, client):
        response = sign_up(client, "/accounts/signup/", "new@agency.example")
        assert response.status_code == 302
        # Not signed in before the address is confirmed: "For agencies" is the
        # public landing page, and the agency's own pages ask for a sign-in.
        assert "Open an agency account" in client.get("/agency/").content.decode()
        assert client.get("/agency/profiles/new/").status_code == 302
        link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body)
        assert link, mail.outbox[-1].body
        path = link.group(0).split("testserver", 1)[1]
        assert client.post(path).status_code == 302
        assert "Make your first profile" in client.get("/agency/").content.decode()

    def test_password_reset_sends_a_working_link(self, client):
        make_agency("reset@agency.example")
        client.post("/accounts/password/reset/", {"email": "reset@agency.example"})
        link = re.search(
            r"https?://testserver(/accounts/password/reset/key/\S+)", mail.outbox[-1].body
        )
        assert link
        form_page = client.get(link.group(1), follow=True)
        action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1)
        response = client.post(
            action, {"password1": "another-pass-phrase-77", "password2": "another-pass-phrase-77"}
        )
        assert response.status_code == 302
        assert client.login(username="reset@agency.example", password="another-pass-phrase-77")

    def test_a_german_agency_signs_up_in_german_and_is_emailed_in_german(self, client):
        response = client.get("/de/agency/profiles/new/")
        assert response["Location"] == "/de/accounts/login/?next=/de/agency/profiles/new/"
        login = client.get(response["Location"]).content.decode()
        assert '<html lang="de">' in login
        assert "Sie haben noch kein Konto?" in login  # the site's "Sie", not allauth's "du"
        assert "Du hast" not in login
        response = sign_up(client, "/de/accounts/signup/", "neu@agentur.example")
        assert response.status_code == 302
        message = mail.outbox[-1]
        assert message.subject == "CAPI-ROI-Rechner: Bitte bestätigen Sie Ihre E-Mail-Adresse"
        assert "Jemand, wahrscheinlich Sie, hat mit dieser Adresse ein Agenturkonto" in message.body
        assert re.search(r"https?://testserver/de/accounts/confirm-email/\S+", message.body)

    @pytest.mark.parametrize(
        ("password", "why"),
        [
            ("password", "This password is too common."),
            ("123456", "This password is entirely numeric."),
            ("kq7-wx3!zp", "at least 12 characters"),  # ten characters
            ("weak@agency.example", "too similar to the email address"),
        ],
    )
    def test_sign_up_refuses_a_weak_password(self, client, password, why):
        response = client.post(
            "/accounts/signup/",
            {"email": "weak@agency.example", "password1": password, "password2": password},
        )
        assert response.status_code == 200  # the form again, with the reason
        assert why in response.content.decode()
        assert not get_user_model().objects.exists()
        assert not mail.outbox

    def test_sign_up_accepts_a_long_uncommon_password(self, client):
        password = "kq7-wx3!zp-4m"  # thirteen characters, none of them the address
        response = client.post(
            "/accounts/signup/",
            {"email": "strong@agency.example", "password1": password, "password2": password},
        )
        assert response.status_code == 302
        assert get_user_model().objects.get().check_password(password)

    def test_password_reset_mails_no_address_without_an_account(self, client):
        """The form answers alike for every address, but a stranger's inbox gets nothing."""
        response = client.post("/accounts/password/reset/", {"email": "stranger@mail.example"})
        assert response.status_code == 302
        assert not mail.outbox

    def test_password_reset_mails_an_account_three_times_an_hour(self, client):
        make_agency("reset@agency.example")
        statuses = [
            client.post("/accounts/password/reset/", {"email": "reset@agency.example"}).status_code
            for _ in range(4)
        ]
        assert statuses == [302, 302, 302, 429]
        assert len(mail.outbox) == 3

    @pytest.mark.parametrize("path", ["/agency/profiles/new/", "/agency/profiles/alpha/"])
    def test_the_agencys_pages_need_a_sign_in(self, client, path):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


class TestDashboard:
    def test_lists_only_the_agencys_own_profiles_with_snippets(self, client, two_agencies):
        page = client.get("/agency/").content.decode()
        assert "Agency alpha" in page
        assert "Agency beta" not in page
        assert "http://testserver/embed/alpha/?frame=capi-roi" in page
        assert 'class="spark"' in page
        assert client.get("/agency/")["Cache-Control"] == "no-store"

    def test_the_snippet_and_preview_follow_the_dashboards_language(self, client, two_agencies):
        """As the builder does: a French dashboard gives a French embed, unless
        the profile fixes its language."""
        ours, _theirs = two_agencies
        page = client.get("/fr/agency/").content.decode()
        assert "http://testserver/embed/alpha/?frame=capi-roi&amp;lang=fr" in page
        edit = client.get(f"/fr/agency/profiles/{ours.slug}/").content.decode()
        assert 'src="/embed/alpha/?frame=capi-roi-preview&amp;lang=fr&amp;theme=light"' in edit
        assert 'src="/embed/alpha/?frame=capi-roi-preview&amp;lang=fr&amp;theme=dark"' in edit
        ours.language = "de"
        ours.save()
        page = client.get("/fr/agency/").content.decode()
        assert 'http://testserver/embed/alpha/?frame=capi-roi"' in page
        assert "alpha/?frame=capi-roi&amp;lang" not in page

    def test_creates_a_profile_owned_by_the_agency(self, client, two_agencies):
        response = client.post(
            "/agency/profiles/new/",
            {
                "agency_name": "Gamma",
                "slug": "gamma",
                "theme": "dark",
                "accent": "f80",
                "hide": ["losses", "share"],
                "lead_retention_days": "90",
                "powered_by": "on",
            },
        )
        assert response.status_code == 302
        profile = EmbedProfile.objects.get(slug="gamma")
        assert profile.owner.email == "alice@alpha.example"
        assert profile.accent == "#ff8800"
        assert profile.hidden_sections == "losses,share"
        embed = client.get("/embed/gamma/").content.decode()
        assert "theme-dark" in embed
        assert "Purchases lost today" not in embed

    def test_an_unapproved_profile_is_told_what_its_emails_hold_back(self, client, two_agencies):
        ours, _theirs = two_agencies
        page = client.get("/agency/").content.decode()
        notice = "Waiting for the site's staff to approve this profile."
        assert notice in page
        assert "leave out your call to action and the visitor's name" in page
        EmbedProfile.objects.filter(pk=ours.pk).update(approved=True)
        assert notice not in client.get("/agency/").content.decode()

    def test_changing_the_wording_withdraws_the_approval(self, client, two_agencies):
        ours, _theirs = two_agencies
        EmbedProfile.objects.filter(pk=ours.pk).update(approved=True)
        fields = {
            "agency_name": "Agency alpha",
            "slug": "alpha",
            "theme": "auto",
            "lead_retention_days": "180",
            "lead_capture": "on",
            "privacy_url": "https://alpha.example/privacy",
        }
        page = client.get("/agency/profiles/alpha/").content.decode()
        assert "Changing the name or the call to action withdraws the approval" in page
        assert client.post("/agency/profiles/alpha/", fields | {"theme": "dark"}).status_code == 302
        assert EmbedProfile.objects.get(pk=ours.pk).approved  # the look is not approved wording
        changed = fields | {"cta_label": "Verify now", "cta_url": "https://alpha.example/v"}
        assert client.post("/agency/profiles/alpha/", changed).status_code == 302
        assert not EmbedProfile.objects.get(pk=ours.pk).approved

    def test_an_account_has_at_most_ten_profiles(self, client, two_agencies):
        ours, _theirs = two_agencies
        for number in range(9):
            make_profile(ours.owner, f"alpha-{number}")
        response = client.post(
            "/agency/profiles/new/",
            {"agency_name": "Eleventh", "slug": "eleventh", "theme": "auto",
             "lead_retention_days": "180"},
        )  # fmt: skip
        assert response.status_code == 200
        assert (
            "An account can have at most 10 profiles. Delete one you no longer use to make another."
            in response.content.decode()
        )
        assert EmbedProfile.objects.filter(owner=ours.owner).count() == 10
        # Editing one of the ten still works, and another account has its own ten.
        assert client.get("/agency/profiles/alpha/").status_code == 200
        client.force_login(make_agency("carol@gamma.example"))
        fields = {"agency_name": "Gamma", "slug": "gamma", "theme": "auto",
                  "lead_retention_days": "180"}  # fmt: skip
        assert client.post("/agency/profiles/new/", fields).status_code == 302

    def test_control_characters_are_stripped_from_the_name_and_label(self, client, two_agencies):
        response = client.post(
            "/agency/profiles/new/",
            {
                "agency_name": "Gamma\r\nBcc: victim@mail.example\u202e",
                "slug": "gamma",
                "theme": "auto",
                "lead_retention_days": "180",
                "cta_label": "\x1b[31mBook\tan audit\u200b",
                "cta_url": "https://gamma.example/audit",
                "lead_capture": "on",
                "privacy_url": "https://gamma.example/privacy",
            },
        )
        assert response.status_code == 302
        profile = EmbedProfile.objects.get(slug="gamma")
        assert profile.agency_name == "Gamma Bcc: victim@mail.example"
        assert profile.cta_label == "[31mBook an audit"
        lead_post(client, "gamma")
        # The name is one line again: the report email's subject can be sent.
        message = delivery.report_email(Lead.objects.get(profile=profile))
        assert message.message()["Subject"] == (
            "Your CAPI ROI report from Gamma Bcc: victim@mail.example"
        )

    def test_lead_capture_needs_a_privacy_policy(self, client, two_agencies):
        response = client.post(
            "/agency/profiles/alpha/",
            {
                "agency_name": "Alpha",
                "slug": "alpha",
                "theme": "auto",
                "lead_capture": "on",
                "privacy_url": "",
                "lead_retention_days": "180",
            },
        )
        assert response.status_code == 200
        assert "Link your privacy policy" in response.content.decode()

    def test_a_taken_slug_is_refused_in_words(self, client, two_agencies):
        response = client.post(
            "/agency/profiles/new/",
            {"agency_name": "X", "slug": "beta", "theme": "auto", "lead_retention_days": "180"},
        )
        assert "This address is taken" in response.content.decode()

    def test_webhooks_must_be_public_and_the_secret_is_shown_once(
        self, client, two_agencies, monkeypatch
    ):
        monkeypatch.setattr("calculator.agency.webhooks.resolve", lambda h, p: ["10.0.0.8"])
        data = {
            "agency_name": "Alpha",
            "slug": "alpha",
            "theme": "auto",
            "lead_retention_days": "180",
            "webhook_url": "https://hooks.alpha.example/in",
        }
        refused = client.post("/agency/profiles/alpha/", data)
        assert "public internet" in refused.content.decode()
        monkeypatch.setattr("calculator.agency.webhooks.resolve", lambda h, p: ["93.184.216.34"])
        shown = client.post("/agency/profiles/alpha/", data)
        secret = EmbedProfile.objects.get(slug="alpha").webhook_secret
        assert secret.startswith("whsec_")
        assert secret in shown.content.decode()
        assert shown["Cache-Control"] == "no-store"
        assert secret not in client.get("/agency/profiles/alpha/").content.decode()
        rotated = client.post("/agency/profiles/alpha/secret/")
        new = EmbedProfile.objects.get(slug="alpha").webhook_secret
        assert new != secret
        assert new in rotated.content.decode()

    def test_a_logo_upload_is_re_encoded_and_served(self, client, two_agencies):
        image = io.BytesIO()
        Image.new("RGB", (1200, 300), "#0b57b8").save(image, "JPEG")
        image.seek(0)
        image.name = "logo.jpg"
        client.post(
            "/agency/profiles/alpha/",
            {
                "agency_name": "Alpha",
                "slug": "alpha",
                "theme": "auto",
                "lead_retention_days": "180",
                "logo": image,
            },
        )
        profile = EmbedProfile.objects.get(slug="alpha")
        assert bytes(profile.logo_png[:8]) == b"\x89PNG\r\n\x1a\n"
        served = client.get(profile.logo_src)
        assert served["Content-Type"] == "image/png"
        assert Image.open(io.BytesIO(served.content)).size == (600, 150)
        assert profile.logo_src in client.get("/embed/alpha/").content.decode()

    def test_a_file_that_is_not_an_image_is_refused(self, client, two_agencies):
        upload = io.BytesIO(b"<svg onload=alert(1)></svg>")
        upload.name = "logo.svg"
        response = client.post(
            "/agency/profiles/alpha/",
            {
                "agency_name": "Alpha",
                "slug": "alpha",
                "theme": "auto",
                "lead_retention_days": "180",
                "logo": upload,
            },
        )
        assert "not an image" in response.content.decode()

    def test_an_image_of_too_many_pixels_is_refused_before_it_is_decoded(
        self, client, two_agencies, monkeypatch
    ):
        image = io.BytesIO()
        Image.new("1", (5000, 5000)).save(image, "PNG")  # 25 megapixels in a few KB
        assert image.tell() < 20_000
        image.seek(0)
        image.name = "logo.png"

        def no_decoding(*args):
            raise AssertionError("the image was decoded")

        monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
        response = client.post(
            "/agency/profiles/alpha/",
            {
                "agency_name": "Alpha",
                "slug": "alpha",
                "theme": "auto",
                "lead_retention_days": "180",
                "logo": image,
            },
        )
        assert response.status_code == 200
        assert "5000 × 5000 pixels" in response.content.decode()
        assert "at most 4 megapixels" in response.content.decode()
        assert not EmbedProfile.objects.get(slug="alpha").logo_digest

    def test_an_image_at_the_pixel_cap_is_taken(self, client, two_agencies):
        image = io.BytesIO()
        Image.new("P", (2048, 2048), 3).save(image, "PNG")
        image.seek(0)
        image.name = "logo.png"
        client.post(
            "/agency/profiles/alpha/",
            {
                "agency_name": "Alpha",
                "slug": "alpha",
                "theme": "auto",
                "lead_retention_days": "180",
                "logo": image,
            },
        )
        profile = EmbedProfile.objects.get(slug="alpha")
        assert Image.open(io.BytesIO(bytes(profile.logo_png))).size == (240, 240)

    def test_leads_csv_and_delete(self, client, two_agencies):
        ours, _ = two_agencies
        client.logout()
        lead_post(client, "alpha", name="=HYPERLINK(1)")
        client.force_login(ours.owner)
        page = client.get("/agency/profiles/alpha/leads/").content.decode()
        assert "visitor@shop.example" in page
        assert "Report to the visitor" in page
        csv_text = client.get("/agency/profiles/alpha/leads.csv").content.decode()
        assert csv_text.splitlines()[0].startswith("created,email,name,marketing_consent")
        assert "'=HYPERLINK(1)" in csv_text  # not a formula in a spreadsheet
        lead = Lead.objects.get(profile=ours)
        assert client.post(f"/agency/profiles/alpha/leads/{lead.pk}/delete/").status_code == 302
        assert not Lead.objects.filter(pk=lead.pk).exists()
        assert not Delivery.objects.filter(lead_id=lead.pk).exists()


def isolation_requests(theirs: EmbedProfile) -> list[tuple[str, str]]:
    lead = Lead.objects.get(profile=theirs)
    item = lead.deliveries.first()
    item.status = Delivery.Status.FAILED
    item.save()
    slug = theirs.slug
    return [
        ("get", f"/agency/profiles/{slug}/"),
        ("post", f"/agency/profiles/{slug}/"),
        ("get", f"/agency/profiles/{slug}/delete/"),
        ("post", f"/agency/profiles/{slug}/delete/"),
        ("post", f"/agency/profiles/{slug}/secret/"),
        ("get", f"/agency/profiles/{slug}/leads/"),
        ("get", f"/agency/profiles/{slug}/leads.csv"),
        ("post", f"/agency/profiles/{slug}/leads/{lead.pk}/delete/"),
        ("post", f"/agency/profiles/{slug}/deliveries/{item.pk}/retry/"),
    ]


class TestIsolation:
    def test_every_object_url_of_another_agency_answers_404(self, client, two_agencies):
        ours, theirs = two_agencies
        requests = isolation_requests(theirs)
        # Every object view of the dashboard is in the list: a new one fails here.
        object_views = {p.name for p in urlpatterns if "<" in str(p.pattern)}
        assert {resolve(path).url_name for _, path in requests} == object_views
        for method, path in requests:
            response = getattr(client, method)(path)
            assert response.status_code == 404, (method, path)
        # Nothing of theirs changed.
        assert EmbedProfile.objects.filter(slug="beta", owner=theirs.owner).exists()
        assert Lead.objects.filter(profile=theirs).count() == 1
        assert Delivery.objects.filter(status="failed").count() == 1

    def test_our_own_object_urls_answer(self, client, two_agencies):
        ours, _ = two_agencies
        client.logout()
        lead_post(client, "alpha")
        client.force_login(ours.owner)
        for method, path in isolation_requests(ours):
            if "delete" in path and method == "post":
                continue
            assert getattr(client, method)(path).status_code in (200, 302), (method, path)

    def test_the_operators_admin_sees_everything(self, admin_client, two_agencies):
        page = admin_client.get("/admin/calculator/embedprofile/").content.decode()
        assert "Agency alpha" in page
        assert "Agency beta" in page
        assert (
            "visitor@shop.example" in admin_client.get("/admin/calculator/lead/").content.decode()
        )


class TestCommands:
    def test_create_agency_with_a_password(self, client, monkeypatch, capsys):
        monkeypatch.setenv("AGENCY_PASSWORD", "demo-pass-phrase-123")
        call_command("create_agency", "demo@agency.example", "--profile", "demo", "--leads")
        out = capsys.readouterr().out
        assert out.strip().endswith("http://localhost:8000/embed/demo/")
        profile = EmbedProfile.objects.get(slug="demo")
        assert profile.owner.email == "demo@agency.example"
        assert profile.lead_capture
        assert profile.privacy_url == "https://agency.example/privacy"
        response = client.post(
            "/accounts/login/", {"login": "demo@agency.example", "password": "demo-pass-phrase-123"}
        )
        assert response.status_code == 302
        assert "/embed/demo/" in client.get("/agency/").content.decode()

    def test_create_agency_without_a_password_emails_a_link(self, client, monkeypatch, capsys):
        monkeypatch.delenv("AGENCY_PASSWORD", raising=False)
        call_command("create_agency", "link@agency.example", "--profile", "linked")
        assert "emailed" in capsys.readouterr().out
        link = re.search(
            r"http://localhost:8000(/accounts/password/reset/key/\S+)", mail.outbox[-1].body
        )
        assert link
        final = client.get(link.group(1), follow=True)
        assert final.status_code == 200
        assert 'name="password1"' in final.content.decode()

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["not-an-email", "--profile", "x"], "not an email address"),
            (["a@b.example", "--profile", "builder"], "taken by the site"),
            (["a@b.example", "--profile", "bad slug!"], "slug"),
        ],
    )
    def test_create_agency_refuses_bad_input(self, args, message):
        with pytest.raises(CommandError, match=message):
            call_command("create_agency", *args)
        assert not EmbedProfile.objects.exists()

    def test_create_agency_refuses_a_name_with_a_line_break(self):
        with pytest.raises(CommandError, match=r"agency_name: Remove the invisible .*U\+000D"):
            call_command("create_agency", "a@b.example", "--profile", "ab", "--name", "A\r\nB")
        assert not EmbedProfile.objects.exists()

    def test_create_agency_approves_when_asked(self, monkeypatch):
        monkeypatch.setenv("AGENCY_PASSWORD", "demo-pass-phrase-123")
        call_command("create_agency", "own@agency.example", "--profile", "own", "--approved")
        call_command("create_agency", "new@agency.example", "--profile", "new")
        assert EmbedProfile.objects.get(slug="own").approved
        assert not EmbedProfile.objects.get(slug="new").approved

    def test_export_leads_prints_no_control_characters(self, client, two_agencies, capsys):
        _ours, theirs = two_agencies
        # As stored before names were cleaned at the form.
        Lead.objects.filter(profile=theirs).update(name="\x1b[2J\x1b]0;owned\x07Vera\u202eevil")
        call_command("export_leads", "beta")
        out = capsys.readouterr().out
        assert "\\u001b[2J\\u001b]0;owned\\u0007Vera\\u202eevil" in out
        printed = out.replace("\r\n", "").replace("\n", "")
        assert not [c for c in printed if unicodedata.category(c) in ("Cc", "Cf")]

    def test_export_leads_prints_csv(self, client, two_agencies, capsys):
        call_command("export_leads", "beta")
        lines = capsys.readouterr().out.strip().splitlines()
        assert len(lines) == 2
        assert "visitor@shop.example" in lines[1]
        with pytest.raises(CommandError, match="No embed profile"):
            call_command("export_leads", "nobody")

    def test_purge_leads_keeps_each_profiles_retention(self, client, two_agencies, capsys):
        from datetime import timedelta

        from django.utils import timezone

        ours, theirs = two_agencies
        theirs.lead_retention_days = 30
        theirs.save()
        lead_post(client, "alpha")
        Lead.objects.update(created=timezone.now() - timedelta(days=45))
        call_command("purge_leads", "--dry-run")
        assert "Would delete 1 lead " in capsys.readouterr().out
        call_command("purge_leads")
        assert "Deleted 1 lead " in capsys.readouterr().out
        assert list(Lead.objects.values_list("profile__slug", flat=True)) == ["alpha"]
