"""Lead delivery in the background: emails, signed webhooks, retries, and SSRF checks."""

from __future__ import annotations

import json
import re
import smtplib
import socket
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import OperationalError
from django.test import override_settings
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from calculator.agency import delivery, tasks, webhooks
from calculator.models import Delivery, EmbedProfile, Lead
from calculator.summary import summarise
from tests.agency_helpers import lead_post, make_agency, make_profile

# The worker checks its connection between tasks, which only works outside a
# test-wide transaction.
pytestmark = pytest.mark.django_db(transaction=True)

AGENCIES_DOC = Path(__file__).resolve().parent.parent / "docs" / "agencies.md"
PUBLIC = "93.184.216.34"
SMTP_DOWN = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},  # nothing listens on discard
    }
}


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def make_due() -> None:
    """Moves every retry's time to now, as if its delay had passed."""
    a_second_ago = timezone.now() - timedelta(seconds=1)
    DBTaskResult.objects.update(run_after=a_second_ago)
    Delivery.objects.exclude(next_attempt=None).update(next_attempt=a_second_ago)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Transactions are committed here, so the shared cache (a table) is cleared by hand."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dns(monkeypatch):
    """Made-up DNS answers, and no connection beyond this machine."""
    answers = {"hooks.acme.example": [PUBLIC]}
    monkeypatch.setattr(webhooks, "resolve", lambda host, port: answers.get(host, [PUBLIC]))
    connect = socket.create_connection

    def loopback_only(address, *args, **kwargs):
        if address[0] != "127.0.0.1":
            raise ConnectionRefusedError(f"tests reach no other host ({address[0]})")
        return connect(address, *args, **kwargs)

    monkeypatch.setattr(webhooks.socket, "create_connection", loopback_only)
    return answers


@pytest.fixture
def profile(dns):
    return make_profile(
        make_agency("owner@acme.example"),
        "acme",
        webhook_url="https://hooks.acme.example/leads",
        webhook_secret="whsec_test",
        cta_label="Book a tracking audit",
        cta_url="https://acme.example/audit",
    )


class Receiver:
    """A webhook receiver on loopback that records what it gets."""

    def __init__(self, status: int = 200):
        self.requests: list[tuple[dict, bytes]] = []
        self.status = status
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the base class's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests.append((dict(self.headers), body))
                self.send_response(outer.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(monkeypatch, dns):
    """The receiver, reachable although it is on loopback (only for this test)."""
    server = Receiver()
    dns["hooks.acme.example"] = ["127.0.0.1"]
    monkeypatch.setattr(webhooks, "is_public", lambda address: True)
    yield server
    server.close()


def readme_verify():
    """The verification function exactly as docs/agencies.md documents it."""
    code = re.search(r"```python\n(.*?def verify.*?)```", AGENCIES_DOC.read_text(), re.S).group(1)
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 (our own documentation)
    return namespace["verify"]


class TestWorker:
    def test_delivers_after_a_simulated_outage(self, client, profile, receiver):
        with override_settings(WEBHOOK_REQUIRE_HTTPS=False):
            profile.webhook_url = f"http://hooks.acme.example:{receiver.port}/leads"
            profile.save()
            assert lead_post(client, "acme").status_code == 200
            lead = Lead.objects.get()
            receiver.status = 503
            with override_settings(MAILERS=SMTP_DOWN):
                run_worker()  # mail server down, receiver failing
            items = {d.kind: d for d in lead.deliveries.all()}
            assert {d.status for d in items.values()} == {"pending"}
            assert all(d.attempts == 1 and d.next_attempt for d in items.values())
            assert "answered 503" in items["webhook"].last_error
            assert items["report"].last_error
            assert mail.outbox == []
            # Nothing is retried before its delay.
            run_worker()
            assert {d.attempts for d in lead.deliveries.all()} == {1}
            receiver.status = 204
            make_due()
            run_worker()
        items = {d.kind: d for d in lead.deliveries.all()}
        assert {d.status for d in items.values()} == {"sent"}
        assert all(d.attempts == 2 and d.sent_at for d in items.values())
        assert sorted(m.to[0] for m in mail.outbox) == [
            "sales@acme.example",
            "visitor@shop.example",
        ]
        assert len(receiver.requests) == 2  # the failed attempt and the delivered one

    def test_gives_up_after_the_last_attempt_and_says_why(self, client, profile, dns):
        lead_post(client, "acme")
        dns["hooks.acme.example"] = ["10.1.2.3"]  # now points inside the network
        for _ in range(delivery.MAX_ATTEMPTS):
            make_due()
            run_worker()
        webhook = Lead.objects.get().deliveries.get(kind="webhook")
        assert webhook.status == "failed"
        assert webhook.attempts == delivery.MAX_ATTEMPTS
        assert "public internet" in webhook.last_error
        assert set(Delivery.objects.exclude(kind="webhook").values_list("status", flat=True)) == {
            "sent"
        }
        # The dashboard's "Try again" queues it anew.
        client.force_login(profile.owner)
        client.post(f"/agency/profiles/acme/deliveries/{webhook.pk}/retry/")
        webhook.refresh_from_db()
        assert webhook.status == "pending"
        assert webhook.attempts == 0

    def test_a_lead_deleted_before_sending_sends_nothing(self, client, profile):
        lead_post(client, "acme")
        Lead.objects.all().delete()
        run_worker()
        assert mail.outbox == []


class TestEmails:
    def test_the_report_has_the_verdict_figures_and_link_as_text_and_html(self, client, profile):
        EmbedProfile.objects.filter(pk=profile.pk).update(approved=True)
        lead_post(client, "acme")
        lead = Lead.objects.get()
        message = delivery.report_email(lead)
        text, (html, kind) = message.body, message.alternatives[0]
        assert kind == "text/html"
        report = delivery.report_for(lead)
        assert "Likely worth it: +$" in text
        assert "It pays if it lowers your true cost per purchase by" in text
        assert lead.result_url in text
        assert lead.result_url.replace("&", "&amp;") in html
        assert "Monthly profit gain" in text
        assert "Monthly profit gain" in html
        assert f"Payback: Month {report.results.payback_month}" in text
        assert "Book a tracking audit: https://acme.example/audit" in text
        assert '<a href="https://acme.example/audit">Book a tracking audit</a>' in html
        assert text.startswith("Hello Vera Visitor,")
        assert "Hello Vera Visitor," in html
        assert message.to == ["visitor@shop.example"]

    def test_until_approved_no_visitor_text_or_agency_link_is_relayed(self, client, dns):
        """The relay as it was tried: a self-made agency posing as a platform's
        support, its call to action a link of its own, and a 'name' that is a
        message to whoever owns the address typed in."""
        make_profile(
            make_agency("owner@phish.example"),
            "support",
            agency_name="Meta Business Support",
            cta_label="Verify your ad account now",
            cta_url="https://phish.example/verify",
            notify_email="victim@mail.example",  # the agency's email, too, to anyone
        )
        lure = "your ad account is suspended, verify at phish.example"
        assert (
            lead_post(client, "support", email="victim@mail.example", name=lure).status_code == 200
        )
        lead = Lead.objects.get()
        report, agency = delivery.report_email(lead), delivery.agency_email(lead)
        for message in (report, agency):
            for body in (message.body, message.alternatives[0][0]):
                assert "suspended" not in body
                assert "phish.example/verify" not in body
                assert "Verify your ad account" not in body
        assert report.body.startswith("Hello,\n")
        assert "held back from emails until the profile is approved" in agency.body
        assert lead.name == lure  # kept for the agency's dashboard

        EmbedProfile.objects.filter(slug="support").update(approved=True)
        lead.refresh_from_db()
        report, agency = delivery.report_email(lead), delivery.agency_email(lead)
        assert f"Hello {lure}," in report.body
        assert "Verify your ad account now: https://phish.example/verify" in report.body
        assert lure in agency.body

    @pytest.mark.parametrize(
        ("language", "report_subject", "agency_subject"),
        [
            (
                "",
                "Your CAPI ROI report from Agency acme",
                "New lead from your CAPI ROI calculator (monthly profit gain {gain})",
            ),
            (
                "de",
                "Ihr CAPI-ROI-Bericht von Agency acme",
                "Neuer Lead aus Ihrem CAPI-ROI-Rechner (monatlicher Gewinnzuwachs {gain})",
            ),
        ],
    )
    def test_subjects_name_the_product_agency_and_result_never_what_was_typed(
        self, client, profile, language, report_subject, agency_subject
    ):
        profile.language = language
        profile.approved = True  # its emails may carry what visitors typed
        profile.save()
        typed = {"email": "buy-pills@spam.example", "name": "Cheap pills at spam.example"}
        assert lead_post(client, "acme", **typed).status_code == 200
        lead = Lead.objects.get()
        with translation.override(language or "en"):
            gain = summarise(delivery.report_for(lead)).get("monthly_benefit").value
        report, agency = delivery.report_email(lead), delivery.agency_email(lead)
        assert report.subject == report_subject
        assert agency.subject == agency_subject.format(gain=gain)
        for message in (report, agency):
            assert "pills" not in message.subject
            assert "spam" not in message.subject
        assert "Cheap pills at spam.example" in agency.body  # the agency still learns it

    def test_the_agency_email_carries_the_lead_and_consent(self, client, profile):
        EmbedProfile.objects.filter(pk=profile.pk).update(approved=True)
        lead_post(client, "acme")
        message = delivery.agency_email(Lead.objects.get())
        assert "visitor@shop.example" in message.body
        assert "Vera Visitor" in message.body
        assert "Agency acme may email me news and offers" in message.body
        assert message.reply_to == ["visitor@shop.example"]


class TestWebhooks:
    def test_signatures_verify_with_the_documented_code(self, client, profile, receiver):
        with override_settings(WEBHOOK_REQUIRE_HTTPS=False):
            EmbedProfile.objects.filter(pk=profile.pk).update(
                webhook_url=f"http://hooks.acme.example:{receiver.port}/leads"
            )
            lead_post(client, "acme")
            run_worker()
        ((headers, body),) = receiver.requests
        verify = readme_verify()
        timestamp, signature = headers["X-CAPI-ROI-Timestamp"], headers["X-CAPI-ROI-Signature"]
        assert verify("whsec_test", timestamp, body, signature)
        assert not verify("whsec_other", timestamp, body, signature)
        assert not verify("whsec_test", timestamp, body + b" ", signature)
        assert not verify("whsec_test", str(int(timestamp) - 3600), body, signature)
        payload = json.loads(body)
        assert payload["type"] == "lead.created"
        assert payload["profile"] == "acme"
        assert payload["lead"]["email"] == "visitor@shop.example"
        assert payload["result"]["url"] == Lead.objects.get().result_url
        assert headers["Content-Type"] == "application/json"

    @pytest.mark.parametrize(
        "addresses",
        [
            ["127.0.0.1"],
            ["10.0.0.5"],
            ["192.168.1.20"],
            ["172.16.0.1"],
            ["169.254.169.254"],  # cloud metadata
            ["100.64.0.1"],
            ["::1"],
            ["fe80::1"],
            ["fd00::1"],
            ["::ffff:127.0.0.1"],
            ["0.0.0.0"],
            [PUBLIC, "127.0.0.1"],  # one bad answer is enough
        ],
    )
    def test_private_destinations_are_refused(self, dns, addresses):
        dns["hooks.acme.example"] = addresses
        with pytest.raises(webhooks.UnsafeURL, match="public internet"):
            webhooks.check_url("https://hooks.acme.example/leads")

    @pytest.mark.parametrize(
        "url",
        [
            "ftp://hooks.acme.example/",
            "https://user:pw@hooks.acme.example/",
            "https:///nohost",
            "https://hooks.acme.example/ x",
            "file:///etc/passwd",
        ],
    )
    def test_malformed_urls_are_refused(self, dns, url):
        with pytest.raises(webhooks.UnsafeURL):
            webhooks.check_url(url)

    @override_settings(WEBHOOK_REQUIRE_HTTPS=True)
    def test_production_requires_https(self, dns):
        with pytest.raises(webhooks.UnsafeURL, match="https"):
            webhooks.check_url("http://hooks.acme.example/leads")
        assert webhooks.check_url("https://hooks.acme.example/leads")[2] == PUBLIC

    def test_the_check_runs_again_at_send_time(self, client, profile, dns):
        lead_post(client, "acme")
        dns["hooks.acme.example"] = ["127.0.0.1"]  # rebinding after the URL was saved
        run_worker()
        webhook = Delivery.objects.get(kind="webhook")
        assert webhook.status == "pending"
        assert "public internet" in webhook.last_error


def test_a_due_time_is_recorded_for_each_retry(client, profile, dns):
    dns["hooks.acme.example"] = ["10.0.0.1"]
    lead_post(client, "acme")
    before = timezone.now()
    run_worker()
    webhook = Delivery.objects.get(kind="webhook")
    assert before + timedelta(seconds=50) < webhook.next_attempt < before + timedelta(minutes=2)
    retry = DBTaskResult.objects.filter(status="READY", task_path=tasks.deliver.module_path).get()
    assert (
        retry.run_after == webhook.next_attempt
        or abs((retry.run_after - webhook.next_attempt).total_seconds()) < 1
    )


def test_a_delivery_whose_task_was_lost_is_queued_again_and_sent_once(client, profile, capsys):
    EmbedProfile.objects.filter(pk=profile.pk).update(webhook_url="")  # emails only
    lead_post(client, "acme")
    DBTaskResult.objects.filter(task_path=tasks.deliver.module_path).delete()  # tasks lost
    Delivery.objects.update(created=timezone.now() - timedelta(hours=2))
    call_command("requeue_deliveries", "--overdue-minutes", "600")
    assert "Queued 0 overdue" in capsys.readouterr().out
    call_command("requeue_deliveries")
    assert "Queued 2 overdue deliveries again." in capsys.readouterr().out
    call_command("requeue_deliveries")  # queued again just now: left to that task
    assert "Queued 0 overdue" in capsys.readouterr().out
    deliver_tasks = DBTaskResult.objects.filter(task_path=tasks.deliver.module_path)
    tasks.deliver.enqueue(Delivery.objects.first().pk)  # a spare task costs nothing
    run_worker()
    assert {d.status for d in Delivery.objects.all()} == {"sent"}
    assert len(mail.outbox) == 2  # each email once, though one was queued twice
    assert deliver_tasks.filter(status="SUCCESSFUL").count() == 3


def make_sweep_due() -> None:
    DBTaskResult.objects.filter(task_path=tasks.sweep.module_path, status="READY").update(
        run_after=timezone.now() - timedelta(seconds=1)
    )


class TestAtLeastOnce:
    def test_the_worker_sweeps_a_delivery_whose_worker_stopped_mid_send(
        self, client, profile, receiver
    ):
        with override_settings(WEBHOOK_REQUIRE_HTTPS=False):
            profile.webhook_url = f"http://hooks.acme.example:{receiver.port}/leads"
            profile.save()
            lead_post(client, "acme")
            # A worker took every task and its delivery, then was killed
            # (kill -9): its tasks stay "running" and nothing else runs them.
            DBTaskResult.objects.filter(task_path=tasks.deliver.module_path).update(
                status="RUNNING"
            )
            for item in Delivery.objects.all():
                assert delivery.claim(item.pk) is not None
            run_worker()
            assert Delivery.objects.filter(status="pending").count() == 3
            assert DBTaskResult.objects.filter(task_path=tasks.sweep.module_path).count() == 1
            # A few minutes on: the claims have run out and the sweep is due.
            Delivery.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
            make_sweep_due()
            run_worker()
        assert {d.status for d in Delivery.objects.all()} == {"sent"}
        assert {d.attempts for d in Delivery.objects.all()} == {2}  # the stopped one counts
        assert len(mail.outbox) == 2
        assert len(receiver.requests) == 1

    def test_a_claim_on_the_last_attempt_that_ran_out_gives_up(self, client, profile):
        lead_post(client, "acme")
        item = Delivery.objects.get(kind="webhook")
        Delivery.objects.filter(pk=item.pk).update(attempts=delivery.MAX_ATTEMPTS - 1)
        assert delivery.claim(item.pk).attempts == delivery.MAX_ATTEMPTS
        Delivery.objects.filter(pk=item.pk).update(
            claimed_until=timezone.now() - timedelta(seconds=1)
        )
        assert item.pk not in {d.pk for d in delivery.free_stuck()}
        item.refresh_from_db()
        assert item.status == "failed"
        assert "stopped" in item.last_error

    def test_a_task_that_meets_a_database_error_queues_itself_again(
        self, client, profile, monkeypatch
    ):
        EmbedProfile.objects.filter(pk=profile.pk).update(webhook_url="")
        lead_post(client, "acme")
        real_claim = delivery.claim

        def locked(delivery_id):
            raise OperationalError("database is locked")

        monkeypatch.setattr(delivery, "claim", locked)
        before = timezone.now()
        run_worker()
        assert mail.outbox == []
        retries = DBTaskResult.objects.filter(task_path=tasks.deliver.module_path, status="READY")
        assert retries.count() == 2
        for retry in retries:
            assert retry.run_after >= before + delivery.claim_length()
        monkeypatch.setattr(delivery, "claim", real_claim)
        make_due()
        run_worker()
        assert {d.status for d in Delivery.objects.all()} == {"sent"}
        assert len(mail.outbox) == 2

    def test_a_delivery_is_claimed_once_and_not_before_it_is_due(self, client, profile):
        lead_post(client, "acme")
        item = Delivery.objects.get(kind="report")
        assert delivery.claim(item.pk) is not None
        assert delivery.claim(item.pk) is None  # another worker: taken
        later = timezone.now() + timedelta(minutes=5)
        Delivery.objects.filter(pk=item.pk).update(claimed_until=None, next_attempt=later)
        assert delivery.attempt(item.pk).attempts == 1  # not due: left alone
        assert mail.outbox == []
        Delivery.objects.filter(pk=item.pk).update(next_attempt=timezone.now())
        assert delivery.attempt(item.pk).status == "sent"

    def test_every_attempt_carries_the_same_delivery_id_and_message_id(
        self, client, profile, receiver
    ):
        with override_settings(WEBHOOK_REQUIRE_HTTPS=False, SITE_URL="https://roi.example.com"):
            profile.webhook_url = f"http://hooks.acme.example:{receiver.port}/leads"
            profile.save()
            lead_post(client, "acme")
            receiver.status = 503
            with override_settings(MAILERS=SMTP_DOWN):
                run_worker()
            receiver.status = 200
            make_due()
            run_worker()
        webhook = Delivery.objects.get(kind="webhook")
        assert [h["X-CAPI-ROI-Delivery"] for h, _ in receiver.requests] == [str(webhook.pk)] * 2
        for message in mail.outbox:
            item = Delivery.objects.get(kind="report" if message.to == ["visitor@shop.example"]
                                        else "agency_email")  # fmt: skip
            stamp = item.created.strftime("%Y%m%d%H%M%S")
            expected = f"<delivery-{item.pk}.{stamp}@roi.example.com>"
            assert message.message()["Message-ID"] == expected
        assert len({m.message()["Message-ID"] for m in mail.outbox}) == 2


class SlowServer:
    """A TCP server on loopback that answers each connection with ``script``:
    bytes to send one at a time, ``pause`` seconds apart, or nothing at all
    (it hangs). It lets go after ``hold`` seconds, so that a sender without a
    deadline ends too, only late."""

    def __init__(self, script: bytes, pause: float = 0.2, hold: float = 6):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.script, self.pause, self.hold = script, pause, hold
        self.stop = threading.Event()
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        while not self.stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.drip, args=(connection,), daemon=True).start()

    def drip(self, connection: socket.socket) -> None:
        end = time.monotonic() + self.hold
        with connection:
            for byte in self.script:
                if self.stop.wait(self.pause) or time.monotonic() > end:
                    return
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return
            self.stop.wait(max(0, end - time.monotonic()))

    def close(self) -> None:
        self.stop.set()
        self.listener.close()


DRIP_ANSWER = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"z" * 200 + b"\r\nContent-Length: 0\r\n\r\n"


class TestDeadlines:
    @pytest.mark.parametrize("script", [DRIP_ANSWER, b""], ids=["drips", "hangs"])
    @override_settings(WEBHOOK_REQUIRE_HTTPS=False, SEND_DEADLINE=1, WEBHOOK_TIMEOUT=5)
    def test_a_webhook_ends_by_the_deadline(self, receiver, script):
        server = SlowServer(script)
        try:
            started = time.monotonic()
            with pytest.raises(webhooks.DeliveryError, match="did not answer within 1 seconds"):
                webhooks.post(f"http://hooks.acme.example:{server.port}/", b"{}", {})
            assert time.monotonic() - started < 2.5
        finally:
            server.close()

    @override_settings(SEND_DEADLINE=1)
    def test_an_smtp_exchange_ends_by_the_deadline(self):
        server = SlowServer(b"220 " + b"m" * 200 + b" ESMTP\r\n")
        mailers = {
            "default": {
                "BACKEND": "calculator.agency.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
            }
        }
        try:
            started = time.monotonic()
            with override_settings(MAILERS=mailers), pytest.raises(smtplib.SMTPServerDisconnected):
                mail.EmailMessage("Subject", "Body", to=["visitor@shop.example"]).send()
            assert time.monotonic() - started < 2.5
        finally:
            server.close()
