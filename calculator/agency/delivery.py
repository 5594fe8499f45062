"""What happens to a lead after it is stored: emails and a webhook, with retries.

Each message is a Delivery row, queued as a background task (``tasks``) in
the same transaction as the lead. Each attempt tries once; on failure it
records the error and when to try again, after a growing delay, and after the
last attempt the delivery is marked as given up, visible in the dashboard's
log. The task queues the next try.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from calculator import locale, roi
from calculator.forms import CalculatorForm
from calculator.summary import figures_data, summarise

from . import webhooks
from .models import Delivery, Lead

logger = logging.getLogger(__name__)

# Minutes to wait after each failed attempt: about two days in all, so a mail
# server or receiver that is down over a weekend night still gets the lead.
BACKOFF_MINUTES = (1, 5, 30, 120, 360, 720, 1440)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1


def new_secret() -> str:
    return "whsec_" + secrets.token_hex(24)


def create_for(lead: Lead) -> list[Delivery]:
    """The lead's deliveries: the visitor's report, and the agency's email and
    webhook where its profile has them."""
    profile = lead.profile
    kinds = [Delivery.Kind.REPORT]
    if profile.notify_email:
        kinds.append(Delivery.Kind.AGENCY_EMAIL)
    if profile.webhook_url:
        kinds.append(Delivery.Kind.WEBHOOK)
    return [Delivery.objects.create(lead=lead, kind=kind) for kind in kinds]


def report_for(lead: Lead) -> roi.Report:
    """The lead's result, recomputed from its link (same inputs and version, same figures)."""
    form = CalculatorForm(QueryDict(urlsplit(lead.result_url).query))
    if not form.is_valid():
        raise ValueError(f"lead {lead.pk} holds an invalid result link")
    return roi.report(form.inputs(), form.version)


def _email_context(lead: Lead) -> dict:
    report = report_for(lead)
    return {
        "LANGUAGE_CODE": translation.get_language(),
        "lead": lead,
        "profile": lead.profile,
        # Until the site's staff approve the profile, its emails carry no text a
        # visitor typed and no link its agency chose: anyone can sign up, and
        # type anyone's address in, so the site's mail would relay their words.
        "approved": lead.profile.approved,
        "report": report,
        "summary": summarise(report),
    }


def lead_language(lead: Lead) -> str:
    """The language the visitor read the result in: its link's (/de/?...)."""
    return locale.language_of_path(urlsplit(lead.result_url).path) or locale.DEFAULT


def agency_language(lead: Lead) -> str:
    """The agency's emails: in the profile's fixed language, else the visitor's."""
    return locale.valid(lead.profile.language) or lead_language(lead)


def report_email(lead: Lead) -> EmailMultiAlternatives:
    """The visitor's report, in the visitor's language: the verdict, the key
    figures and the link, as text and HTML."""
    with translation.override(lead_language(lead)):
        return _report_email(lead)


def _report_email(lead: Lead) -> EmailMultiAlternatives:
    context = _email_context(lead)
    message = EmailMultiAlternatives(
        # The agency's name, which its account set: nothing the visitor typed.
        subject=_("Your CAPI ROI report from %(agency)s") % {"agency": lead.profile.agency_name},
        body=render_to_string("agency/email/report.txt", context),
        to=[lead.email],
        reply_to=[lead.profile.notify_email] if lead.profile.notify_email else None,
    )
    message.attach_alternative(render_to_string("agency/email/report.html", context), "text/html")
    return message


def agency_email(lead: Lead) -> EmailMultiAlternatives:
    with translation.override(agency_language(lead)):
        return _agency_email(lead)


def _agency_email(lead: Lead) -> EmailMultiAlternatives:
    context = _email_context(lead)
    # Never the visitor's text in a subject, where a mail client shows it first.
    gain = context["summary"].get("monthly_benefit").value
    message = EmailMultiAlternatives(
        subject=_("New lead from your CAPI ROI calculator (monthly profit gain %(gain)s)")
        % {"gain": gain},
        body=render_to_string("agency/email/lead.txt", context),
        to=[lead.profile.notify_email],
        reply_to=[lead.email],
    )
    message.attach_alternative(render_to_string("agency/email/lead.html", context), "text/html")
    return message


def webhook_body(lead: Lead) -> bytes:
    """The lead as JSON: what the agency's system receives, signed."""
    report = report_for(lead)
    payload = {
        "type": "lead.created",
        "lead": {
            "id": lead.pk,
            "email": lead.email,
            "name": lead.name,
            "created": lead.created.isoformat(),
            "marketing_consent": lead.marketing_consent,
            "consent_text": lead.consent_text,
            "consent_at": lead.consent_at.isoformat() if lead.consent_at else None,
        },
        "profile": lead.profile.slug,
        "result": {
            "url": lead.result_url,
            "model_version": lead.model_version,
            "figures": figures_data(report),
        },
    }
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def send(item: Delivery) -> None:
    """One attempt; raises on failure."""
    lead = item.lead
    if item.kind == Delivery.Kind.REPORT:
        report_email(lead).send()
    elif item.kind == Delivery.Kind.AGENCY_EMAIL:
        if not lead.profile.notify_email:
            raise webhooks.DeliveryError("The profile no longer has an address for leads.")
        agency_email(lead).send()
    else:
        profile = lead.profile
        if not profile.webhook_url or not profile.webhook_secret:
            raise webhooks.DeliveryError("The profile no longer has a webhook.")
        body = webhook_body(lead)
        webhooks.post(
            profile.webhook_url, body, webhooks.signed_headers(profile.webhook_secret, body)
        )


def attempt(delivery_id: int) -> Delivery | None:
    """Tries a pending delivery once and records the outcome: the delivery as it
    is now (still pending, with its next attempt's time, after a failure that
    is tried again), or None when it is gone with its lead."""
    with transaction.atomic():
        item = (
            Delivery.objects.select_for_update()
            .select_related("lead__profile")
            .filter(pk=delivery_id)
            .first()
        )
        if item is None or item.status != Delivery.Status.PENDING:
            return item  # deleted with its lead, or done already
        item.attempts += 1
        try:
            send(item)
        except Exception as error:  # any failure is logged on the delivery and retried
            logger.warning("delivery %s attempt %s failed: %s", item.pk, item.attempts, error)
            item.last_error = str(error)[:500] or type(error).__name__
            if item.attempts >= MAX_ATTEMPTS:
                item.status = Delivery.Status.FAILED
                item.next_attempt = None
            else:
                delay = timedelta(minutes=BACKOFF_MINUTES[item.attempts - 1])
                item.next_attempt = timezone.now() + delay
        else:
            item.status = Delivery.Status.SENT
            item.sent_at = timezone.now()
            item.last_error = ""
            item.next_attempt = None
        item.save()
        return item
