"""What happens to a lead after it is stored: emails and a webhook, with retries.

Each message is a Delivery row, queued as a background task (``tasks``) in
the same transaction as the lead. Each attempt claims its delivery in one
short write, sends with no transaction open (so a slow receiver never holds
the database), and records the outcome in another: on failure the error and
when to try again, after a growing delay, and after the last attempt the
delivery is marked as given up, visible in the dashboard's log. The task
queues the next try, and a sweep frees the deliveries whose worker stopped.

Delivery is at least once: a worker that stops after sending and before
recording sends again. Every webhook carries the delivery's id and every
email a Message-ID made from it, the same on each attempt, so that the
receiver can tell a repeat.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from calculator import locale, model
from calculator.embeds import display as embed_display
from calculator.embeds.models import EmbedProfile
from calculator.forms import CalculatorForm
from calculator.summary import PRODUCT, decision, figures_data, platform_rows, summarise

from . import webhooks
from .models import DECISIONS, Delivery, Lead

logger = logging.getLogger(__name__)

# The site's own accent (static/css/site.css), for a profile without one.
BRAND_ACCENT = "0b57b8"
# Minutes to wait after each failed attempt: about two days in all, so a mail
# server or receiver that is down over a weekend night still gets the lead.
BACKOFF_MINUTES = (1, 5, 30, 120, 360, 720, 1440)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1
# A claim lasts the send deadline and this margin: by then the worker that
# took it has recorded its outcome, or has stopped.
CLAIM_MARGIN = timedelta(minutes=1)
# A waiting delivery this late, unclaimed, has lost its task.
OVERDUE = timedelta(minutes=10)


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


def report_for(lead: Lead) -> model.Report:
    """The lead's result, recomputed from its link (same inputs and version, same figures)."""
    form = CalculatorForm(QueryDict(urlsplit(lead.result_url).query))
    if not form.is_valid():
        raise ValueError(f"lead {lead.pk} holds an invalid result link")
    return model.report(form.inputs(), form.version)


def headline(report: model.Report) -> dict[str, Any]:
    """The figures a lead keeps to be qualified at a glance: spend per platform,
    the decision, net over the horizon, the break-even and the estimate (both
    falls in true CPA, as fractions)."""
    inputs, results = report.inputs, report.results
    expected = getattr(results, "expected_cpa_gain", None)  # version 3, over its platforms
    return {
        "currency": inputs.currency,
        "spend": inputs.spend,
        "google_spend": getattr(inputs, "google_spend", None),
        "tiktok_spend": getattr(inputs, "tiktok_spend", None),
        "decision": decision(report),
        "months": inputs.months,
        "net": results.net,
        "breakeven_cpa_gain": results.breakeven_cpa_gain,
        "estimated_cpa_gain": report.cpa_gain if expected is None else expected,
    }


def _email_context(lead: Lead) -> dict:
    report = report_for(lead)
    figures = headline(report)
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
        "platform_rows": platform_rows(report),
        "currency": report.inputs.currency,
        "headline": figures,
        "decision_label": dict(DECISIONS)[figures["decision"]],
        "brand": brand(lead.profile),
    }


def brand(profile: EmbedProfile) -> dict[str, str]:
    """The agency's look in its visitors' report emails: its logo (an absolute
    address, as a mail client has no page to resolve it against) and its accent,
    made readable on white, with the ink for a button of that colour."""
    accent = embed_display.readable(
        profile.accent_digits or BRAND_ACCENT, embed_display.LIGHT_BACKGROUNDS
    )
    logo = profile.logo_src
    if logo.startswith("/"):
        logo = settings.SITE_URL + logo
    return {"accent": f"#{accent}", "ink": f"#{embed_display.ink(accent)}", "logo": logo}


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
        from_email=sender(lead.profile),
        to=[lead.email],
        reply_to=[lead.profile.notify_email] if lead.profile.notify_email else None,
    )
    message.attach_alternative(render_to_string("agency/email/report.html", context), "text/html")
    return message


def sender(profile: EmbedProfile) -> str:
    """The site's own address, named for the agency ("Acme via CAPI ROI
    calculator"): mail from the site's domain passes SPF and DKIM, and the
    visitor sees whose calculator it was. Replies go to the agency (Reply-To)."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    via = _("%(agency)s via %(product)s") % {"agency": profile.agency_name, "product": PRODUCT}
    return formataddr((via, address))


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


# The webhook payload's shape (docs/agencies.md). Version 1 had no "version"
# key; version 2 adds it, the host page and the result's headline figures,
# and keeps every field of version 1 with its meaning. Fields added since
# (the platforms, the title) only add: a receiver may ignore them.
WEBHOOK_VERSION = 2


def webhook_body(lead: Lead) -> bytes:
    """The lead as JSON: what the agency's system receives, signed."""
    report = report_for(lead)
    payload = {
        "version": WEBHOOK_VERSION,
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
        "host_page": lead.host_page or None,
        "result": {
            "url": lead.result_url,
            "link": lead.link,
            "query": urlsplit(lead.result_url).query,
            "model_version": lead.model_version,
            "figures": figures_data(report),
            "headline": headline(report),
            "platforms": platforms_of(report),
            # The result in the agency's words, as its lead email names it.
            "title": _title(lead, report),
        },
    }
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def platforms_of(report: model.Report) -> list[str]:
    """The result's ad platforms, as keys: those a version 3 link names, else Meta."""
    platforms = getattr(report.results, "platforms", None)
    return list(platforms) if platforms is not None else ["meta"]


def _title(lead: Lead, report: model.Report) -> str:
    """The result named in the language of the agency's emails: "Server-side
    tracking for Meta and Google Ads — Likely worth it: +$3,129 over 12 months"."""
    with translation.override(agency_language(lead)):
        return summarise(report).title


def message_id(item: Delivery) -> str:
    """The email's Message-ID, the same on every attempt: a repeat is recognisably one.

    The delivery's creation time keeps it unique if a database is ever started anew."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<delivery-{item.pk}.{item.created:%Y%m%d%H%M%S}@{domain}>"


def send(item: Delivery) -> None:
    """One attempt; raises on failure."""
    lead = item.lead
    if item.kind == Delivery.Kind.WEBHOOK:
        profile = lead.profile
        if not profile.webhook_url or not profile.webhook_secret:
            raise webhooks.DeliveryError("The profile no longer has a webhook.")
        body = webhook_body(lead)
        headers = webhooks.signed_headers(profile.webhook_secret, body, str(item.pk))
        webhooks.post(profile.webhook_url, body, headers)
        return
    if item.kind == Delivery.Kind.REPORT:
        message = report_email(lead)
    else:
        if not lead.profile.notify_email:
            raise webhooks.DeliveryError("The profile no longer has an address for leads.")
        message = agency_email(lead)
    message.extra_headers["Message-ID"] = message_id(item)
    message.send()


def claim_length() -> timedelta:
    return timedelta(seconds=settings.SEND_DEADLINE) + CLAIM_MARGIN


def claim(delivery_id: int) -> Delivery | None:
    """The delivery, taken for one attempt, when it is waiting, due and not
    taken; else None.

    One conditional UPDATE whose row count says who won: two workers cannot
    both take it, on SQLite too, where select_for_update locks nothing.
    """
    now = timezone.now()
    until = now + claim_length()
    taken = Delivery.objects.filter(
        Q(next_attempt__isnull=True) | Q(next_attempt__lte=now),
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        pk=delivery_id,
        status=Delivery.Status.PENDING,
    ).update(claimed_until=until, attempts=F("attempts") + 1)
    if not taken:
        return None
    return Delivery.objects.select_related("lead__profile").filter(pk=delivery_id).first()


def attempt(
    delivery_id: int, on_retry: Callable[[Delivery], None] | None = None
) -> Delivery | None:
    """Tries a delivery once, if it is waiting and due, and records the outcome:
    the delivery as it is now (still pending, with its next attempt's time,
    after a failure that is tried again), or None when it is gone with its lead.

    ``on_retry`` runs in the transaction that records a failure to be tried
    again, so that the failure is never recorded without what tries again.
    """
    item = claim(delivery_id)
    if item is None:
        # Sent or given up already, not due yet, or being sent by another worker.
        return Delivery.objects.filter(pk=delivery_id).first()
    try:
        send(item)  # no transaction open: the database stays free however long this takes
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
    with transaction.atomic():
        # Only while the claim is still this attempt's: not over a retry from the dashboard.
        recorded = Delivery.objects.filter(pk=item.pk, claimed_until=item.claimed_until).update(
            status=item.status,
            sent_at=item.sent_at,
            last_error=item.last_error,
            next_attempt=item.next_attempt,
            claimed_until=None,
        )
        if not recorded:
            return Delivery.objects.filter(pk=delivery_id).first()
        item.claimed_until = None
        if item.status == Delivery.Status.PENDING and on_retry is not None:
            on_retry(item)
    return item


def free_stuck(overdue: timedelta = OVERDUE, now: datetime | None = None) -> list[Delivery]:
    """Frees the waiting deliveries that nothing will try again, and returns
    them, to be queued in the caller's transaction.

    Those are the ones whose claim ran out (the worker stopped mid-send, or
    could not record its outcome) and those waiting ``overdue`` past their
    time, unclaimed (their task was lost). A claim that ran out on the last
    attempt gives up. Call inside a transaction.
    """
    now = now or timezone.now()
    cutoff = now - overdue
    waiting = Delivery.objects.filter(status=Delivery.Status.PENDING)
    lapsed = waiting.filter(claimed_until__lt=now)
    lapsed.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Delivery.Status.FAILED,
        claimed_until=None,
        next_attempt=None,
        last_error="The worker stopped during the last attempt.",
    )
    late = Q(claimed_until__isnull=True) & (
        Q(next_attempt__lt=cutoff) | Q(next_attempt__isnull=True, created__lt=cutoff)
    )
    stuck = list(waiting.filter(Q(claimed_until__lt=now) | late).values_list("pk", flat=True))
    # Due now, so that the next sweep leaves them to their new task a while.
    Delivery.objects.filter(pk__in=stuck).update(claimed_until=None, next_attempt=now)
    return list(Delivery.objects.filter(pk__in=stuck))
