"""'Email me this report' in the embed: stored with its result, refused when forged."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from calculator.agency import tokens
from calculator.http import ratelimit
from calculator.models import Delivery, EmbedDailyStat, EmbedProfile, Lead
from tests.agency_helpers import QUERY, lead_post, make_agency, make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile():
    return make_profile(make_agency("owner@acme.example"), "acme")


class TestTheForm:
    def test_shown_under_the_figures_when_the_profile_captures_leads(self, client, profile):
        page = client.get(f"/embed/acme/?{QUERY}").content.decode()
        assert '<form id="lead-form"' in page
        assert 'name="email"' in page
        assert page.index("Monthly profit gain") < page.index('id="lead-form"')
        assert 'name="consent" value="on">' in page  # never ticked in advance
        assert 'href="https://acme.example/privacy"' in page
        assert 'name="q" value="spend=20000&amp;conversions=400&amp;' in page

    def test_absent_when_the_profile_does_not_capture(self, client, profile):
        profile.lead_capture = False
        profile.save()
        assert 'id="lead-form"' not in client.get("/embed/acme/").content.decode()
        assert 'id="lead-form"' not in client.get("/embed/").content.decode()

    def test_the_recalculated_results_carry_the_form_for_the_new_result(self, client, profile):
        page = client.get("/embed/acme/?spend=9999", headers={"HX-Request": "true"})
        text = page.content.decode()
        assert 'id="lead-form"' in text
        assert "spend=9999" in text

    def test_the_embed_stays_cacheable_and_cookie_free(self, client, profile):
        first = client.get("/embed/acme/")
        again = client.get("/embed/acme/", headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304
        assert not first.cookies


class TestCapture:
    def test_stores_the_lead_with_its_result_consent_and_queues_deliveries(self, client, profile):
        response = lead_post(client, "acme", htmx=True)
        assert response.status_code == 200
        assert "Report on its way" in response.content.decode()
        assert not response.cookies
        lead = Lead.objects.get()
        assert lead.profile == profile
        assert lead.email == "visitor@shop.example"
        assert lead.result_url.startswith("http://testserver/?spend=20000&conversions=400")
        assert lead.result_url.endswith("&v=1")
        assert lead.model_version == 1
        assert lead.marketing_consent
        assert lead.consent_at is not None
        assert "Agency acme may email me news and offers" in lead.consent_text
        assert "https://acme.example/privacy" in lead.consent_text
        kinds = sorted(lead.deliveries.values_list("kind", flat=True))
        assert kinds == ["agency_email", "report"]
        queued = DBTaskResult.objects.values_list("task_path", flat=True)
        assert sorted(queued) == [
            *["calculator.agency.tasks.deliver"] * 2,
            "calculator.agency.tasks.sweep",
        ]
        assert EmbedDailyStat.objects.get(profile=profile).leads == 1

    def test_without_consent_no_consent_is_stored(self, client, profile):
        lead_post(client, "acme", consent="")
        lead = Lead.objects.get()
        assert not lead.marketing_consent
        assert lead.consent_text == ""
        assert lead.consent_at is None

    def test_without_javascript_the_whole_embed_answers_with_the_result(self, client, profile):
        response = lead_post(client, "acme", theme="dark")
        text = response.content.decode()
        assert response.status_code == 200
        assert "Report on its way" in text
        assert "Monthly profit gain" in text
        assert "theme-dark" in text
        assert "X-Frame-Options" not in response
        assert "frame-ancestors *" in response["Content-Security-Policy"]

    def test_a_bad_email_is_named_in_place_and_the_result_stays(self, client, profile):
        response = lead_post(client, "acme", email="not an address")
        text = response.content.decode()
        assert response.status_code == 400
        assert "Enter a valid email address." in text
        assert "Monthly profit gain" in text
        assert not Lead.objects.exists()

    def test_the_fields_are_the_calculators_with_the_forms_limits(self, client, profile):
        """Label, input and message as the calculator's fields have them; the
        form says what is required, how long and which words."""
        page = client.get(f"/embed/acme/?lang=fr&{QUERY}").content.decode()
        assert (
            '<input id="lead-email" name="email" type="email" autocomplete="email" required="" '
            'maxlength="254" value="" aria-describedby="lead-email-hint lead-email-error">'
        ) in page
        assert 'name="name" type="text" autocomplete="name" maxlength="100" value=""' in page
        assert (
            '<label class="field__label" for="lead-name">Nom '
            '<span class="field__unit">(facultatif)</span></label>'
        ) in page
        text = lead_post(client, "acme", htmx=True, email="not an address").content.decode()
        assert (
            'value="not an address" aria-describedby="lead-email-hint lead-email-error" '
            'aria-invalid="true">'
        ) in text
        assert '<p class="field__error" id="lead-email-error">Enter a valid email address.</p>' in (
            text
        )

    def test_control_characters_in_the_name_are_not_stored(self, client, profile):
        """Terminal escapes, a right-to-left override and zero-width marks go;
        tabs and line breaks become one space."""
        name = "\x1b[2J\x1b[31mVera\tV\u200bisitor\r\n\u202eadmin\x07"
        assert lead_post(client, "acme", name=name).status_code == 200
        assert Lead.objects.get().name == "[2J[31mVera Visitor admin"

    def test_visitor_text_is_escaped(self, client, profile):
        response = lead_post(client, "acme", htmx=True, email="<script>x</script>@a.example")
        assert "<script>x" not in response.content.decode()

    def test_an_invalid_result_is_refused(self, client, profile):
        response = lead_post(client, "acme", q="spend=NaN&v=1", htmx=True)
        assert response.status_code == 400
        assert "invalid inputs" in response.content.decode()

    def test_a_profile_without_capture_answers_404(self, client, profile):
        profile.lead_capture = False
        profile.save()
        assert lead_post(client, "acme").status_code == 404


class TestRefusals:
    @pytest.mark.parametrize(
        "headers",
        [
            {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
            {"Origin": "https://evil.example"},
            {"Origin": "null", "Sec-Fetch-Site": "cross-site"},  # a sandboxed frame elsewhere
            {"Origin": "http://testserver", "Sec-Fetch-Site": "same-site"},
            {},  # no Origin at all: not a browser's form post
        ],
    )
    def test_a_foreign_origin_is_refused(self, client, profile, headers):
        response = lead_post(client, "acme", headers=headers, htmx=True)
        assert response.status_code == 403
        assert "only be sent from the calculator" in response.content.decode()
        assert not Lead.objects.exists()

    def test_a_replayed_token_after_expiry_is_refused(self, client, profile):
        old = tokens.make("acme", now=time.time() - 2 * 60 * 60)
        response = lead_post(client, "acme", token=old, htmx=True)
        assert response.status_code == 400
        assert "This form has expired" in response.content.decode()
        assert not Lead.objects.exists()

    def test_a_token_of_another_profile_or_forged_is_refused(self, client, profile):
        make_profile(profile.owner, "other")
        for token in (tokens.make("other"), "acme:1700000000:forged", ""):
            assert lead_post(client, "acme", token=token).status_code == 400
        assert not Lead.objects.exists()

    def test_tokens_live_an_hour(self):
        now = 1_800_000_000
        token = tokens.make("acme", now=now)
        assert tokens.valid(token, "acme", now=now + 3000)
        assert not tokens.valid(token, "acme", now=now + 3600 + tokens.STEP)

    def test_the_honeypot_thanks_a_robot_and_keeps_nothing(self, client, profile):
        response = lead_post(client, "acme", website="https://spam.example", htmx=True)
        assert response.status_code == 200
        assert "Report on its way" in response.content.decode()
        assert not Lead.objects.exists()
        assert not Delivery.objects.exists()

    @override_settings(LEADS_PER_HOUR=3)
    def test_a_flood_from_one_address_is_refused(self, client, profile):
        statuses = [lead_post(client, "acme", htmx=True).status_code for _ in range(5)]
        assert statuses == [200, 200, 200, 429, 429]
        refused = lead_post(client, "acme", htmx=True)
        assert "Too many reports" in refused.content.decode()
        assert int(refused["Retry-After"]) > 0
        assert Lead.objects.count() == 3

    @override_settings(LEADS_PER_HOUR=2)
    def test_the_limit_counts_reports_per_profile_and_keeps_what_was_typed(self, client, profile):
        for _ in range(3):  # mistyped addresses send nothing and count for nothing
            assert lead_post(client, "acme", htmx=True, email="typo").status_code == 400
        assert [lead_post(client, "acme", htmx=True).status_code for _ in range(2)] == [200, 200]
        refused = lead_post(client, "acme", htmx=True, email="later@shop.example")
        assert refused.status_code == 429
        assert 'value="later@shop.example"' in refused.content.decode()
        make_profile(make_agency("other@agency.example"), "other")
        assert lead_post(client, "other", htmx=True).status_code == 200

    @override_settings(LEADS_PER_HOUR=100, LEADS_PER_PROFILE_PER_HOUR=3)
    def test_reports_from_many_addresses_are_limited_per_profile(
        self, client, profile, monkeypatch
    ):
        now = [1_800_000_000.0]
        monkeypatch.setattr(ratelimit, "clock", lambda: now[0])

        def post_from(number: int, **fields):
            client.defaults["REMOTE_ADDR"] = f"203.0.113.{number}"
            return lead_post(
                client, "acme", htmx=True, email=f"inbox{number}@mail.example", **fields
            )

        assert [post_from(number).status_code for number in range(3)] == [200, 200, 200]
        refused = post_from(3, name="Vera Later")
        assert refused.status_code == 429
        text = refused.content.decode()
        assert "This calculator has sent too many reports this hour." in text
        assert 'value="inbox3@mail.example"' in text  # what was typed stays, to send later
        assert 'value="Vera Later"' in text
        assert refused["Retry-After"] == "3600"
        assert refused["Cache-Control"] == "no-store"
        assert Lead.objects.count() == 3
        assert Delivery.objects.filter(kind="report").count() == 3
        # Each profile has its own limit, and the hour ends.
        make_profile(make_agency("other@agency.example"), "other")
        assert lead_post(client, "other", htmx=True).status_code == 200
        now[0] += 3600
        assert post_from(4).status_code == 200

    @override_settings(LEADS_PER_HOUR=100, LEADS_PER_PROFILE_PER_HOUR=1)
    def test_without_javascript_the_profile_limit_answers_the_whole_embed(self, client, profile):
        assert lead_post(client, "acme").status_code == 200
        client.defaults["REMOTE_ADDR"] = "203.0.113.9"
        refused = lead_post(client, "acme", email="later@shop.example")
        assert refused.status_code == 429
        text = refused.content.decode()
        assert "This calculator has sent too many reports this hour." in text
        assert 'value="later@shop.example"' in text
        assert "Monthly profit gain" in text  # the result, with the form under it
        assert int(refused["Retry-After"]) > 0

    @override_settings(LEADS_PER_HOUR=100, LEADS_PER_RECIPIENT_PER_DAY=3)
    def test_one_inbox_gets_a_few_reports_a_day_from_all_profiles(
        self, client, profile, monkeypatch
    ):
        """Someone else's address typed in from many places, into many agencies'
        embeds: its owner gets three reports a day, whatever the source."""
        now = [1_800_000_000.0]
        monkeypatch.setattr(ratelimit, "clock", lambda: now[0])
        make_profile(make_agency("other@agency.example"), "other")
        sent = []
        for number, (slug, email) in enumerate(
            [
                ("acme", "victim@mail.example"),
                ("other", "Victim@Mail.example"),  # the same inbox, however it is written
                ("acme", "victim@mail.example"),
            ]
        ):
            client.defaults["REMOTE_ADDR"] = f"203.0.113.{number}"
            sent.append(lead_post(client, slug, htmx=True, email=email).status_code)
        assert sent == [200, 200, 200]
        client.defaults["REMOTE_ADDR"] = "198.51.100.7"
        refused = lead_post(
            client, "other", htmx=True, email="victim@mail.example", name="Vera Again"
        )
        assert refused.status_code == 429
        text = refused.content.decode()
        assert "This address has been sent too many reports today. Try again in 24 hours." in text
        assert 'value="victim@mail.example"' in text  # what was typed stays
        assert 'value="Vera Again"' in text
        assert refused["Retry-After"] == "86400"
        assert refused["Cache-Control"] == "no-store"
        assert Lead.objects.count() == 3
        # Other inboxes are not held up, and the day ends.
        assert lead_post(client, "other", htmx=True, email="else@mail.example").status_code == 200
        now[0] += 86400
        assert lead_post(client, "acme", htmx=True, email="victim@mail.example").status_code == 200

    @override_settings(
        LEADS_PER_HOUR=100, LEADS_PER_PROFILE_PER_HOUR=100, LEADS_PER_ACCOUNT_PER_DAY=3
    )
    def test_an_accounts_profiles_share_a_daily_limit(self, client, profile):
        make_profile(profile.owner, "acme-two")
        sent = [
            lead_post(client, slug, htmx=True, email=f"inbox{number}@mail.example").status_code
            for number, slug in enumerate(["acme", "acme-two", "acme", "acme-two"])
        ]
        assert sent == [200, 200, 200, 429]
        refused = lead_post(client, "acme", htmx=True, email="later@mail.example")
        assert "This calculator has sent too many reports today." in refused.content.decode()
        assert 'value="later@mail.example"' in refused.content.decode()
        assert int(refused["Retry-After"]) > 23 * 3600
        assert Lead.objects.count() == 3
        make_profile(make_agency("other@agency.example"), "other")
        assert lead_post(client, "other", htmx=True).status_code == 200

    def test_no_refusal_sets_a_cookie(self, client, profile):
        client.cookies["csrftoken"] = "x" * 32
        response = lead_post(client, "acme", headers={"Origin": "https://evil.example"})
        assert not response.cookies
        assert EmbedProfile.objects.count() == 1


def test_the_sites_own_preview_is_not_counted_as_a_view(client, profile):
    preview = {"Sec-Fetch-Dest": "iframe", "Sec-Fetch-Site": "same-origin"}
    client.get("/embed/acme/", headers=preview)
    assert not EmbedDailyStat.objects.filter(profile=profile).exists()
    client.get("/embed/acme/", headers={"Sec-Fetch-Dest": "iframe", "Sec-Fetch-Site": "cross-site"})
    assert EmbedDailyStat.objects.get(profile=profile).views == 1


def refuse_writes_on_this_connection() -> None:
    """This thread's connection refuses writes, as one opened while the database
    file was read-only (or to a replica) does; closing it ends that."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")


@pytest.fixture
def read_only_connection(profile):
    refuse_writes_on_this_connection()
    yield
    connection.close()  # whatever the test did, the next one starts writable


@pytest.mark.django_db(transaction=True)
class TestDatabaseFailure:
    MESSAGE = "We could not save your request just now. Please try again in a minute."

    def test_the_form_answers_503_with_what_was_typed(self, client, read_only_connection, caplog):
        response = lead_post(client, "acme", htmx=True, email="later@shop.example", name="Vera")
        assert response.status_code == 503
        assert response["Retry-After"] == "60"
        assert response["Cache-Control"] == "no-store"
        page = response.content.decode()
        assert '<form id="lead-form"' in page
        assert self.MESSAGE in page
        assert 'role="alert"' in page
        assert 'value="later@shop.example"' in page
        assert 'value="Vera"' in page
        assert "a lead could not be stored" in caplog.text
        assert not Lead.objects.exists()

    def test_in_the_embeds_language(self, client, profile):
        EmbedProfile.objects.filter(slug="acme").update(language="de")
        refuse_writes_on_this_connection()
        try:
            response = lead_post(client, "acme", htmx=True)
        finally:
            connection.close()
        assert response.status_code == 503
        assert "Wir konnten Ihre Anfrage gerade nicht speichern." in response.content.decode()

    def test_without_javascript_the_whole_embed_answers_503(self, client, read_only_connection):
        response = lead_post(client, "acme", email="later@shop.example")
        assert response.status_code == 503
        page = response.content.decode()
        assert "verdict" in page  # the result stays
        assert self.MESSAGE in page
        assert 'value="later@shop.example"' in page

    def test_once_the_database_recovers_the_next_lead_is_stored(self, client, read_only_connection):
        """The failed connection is closed, not kept for CONN_MAX_AGE refusing
        every write: the next request opens one that can write."""
        assert lead_post(client, "acme", htmx=True).status_code == 503
        assert lead_post(client, "acme", htmx=True).status_code == 200
        assert Lead.objects.count() == 1
