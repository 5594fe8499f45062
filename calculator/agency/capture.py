"""'Email me this report' in the embed: a form that works in other sites' frames.

Third-party cookies are blocked there, so the form carries no CSRF cookie.
It is protected instead by a signed, short-lived token (tokens.py), by
refusing any request whose Origin is not this site or whose Sec-Fetch-Site
is not same-origin (the frame's document is ours, so a genuine submission is
same-origin even inside another site's page), by a honeypot field and by
limits per client address and per profile an hour, and per inbox and per
account a day.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from calculator import locale, model
from calculator.embeds import display as embed
from calculator.embeds.views import (
    cookie_free,
    display_of,
    embed_headers,
    embed_language,
    render_embed,
)
from calculator.fields import FieldView
from calculator.http.database import close_connections
from calculator.http.ratelimit import over_limit
from calculator.http.throttle import client_address
from calculator.models import EmbedDailyStat, EmbedProfile

from . import delivery, tasks, tokens
from .forms import LeadForm
from .models import Lead

HOUR = 3600  # the windows of the lead limits, in seconds
DAY = 24 * HOUR
UNSAVED_RETRY = 60  # seconds, the Retry-After of a lead the database could not take

logger = logging.getLogger(__name__)


@dataclass
class LeadState:
    """What the lead form partial shows: a fresh form, a refused one, or thanks."""

    profile: EmbedProfile
    token: str
    display_pairs: list[tuple[str, str]]
    form: LeadForm | None = None
    error: str = ""
    sent_to: str = ""
    query: str = ""  # the canonical query of the result a report was sent for
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def action(self) -> str:
        """The form's address, with the page's lang= unless the profile fixes one."""
        action = reverse("embed-lead", args=[self.profile.slug])
        language = translation.get_language()
        if self.profile.language or language == locale.DEFAULT:
            return action
        return f"{action}?{locale.CHOSEN}={language}"

    @property
    def consent_label(self) -> str:
        return consent_wording(self.profile)

    @property
    def fields(self) -> list[FieldView]:
        """The address and the name, in the calculator's own field markup."""
        return [self._field(name, kind) for name, kind in CONTACT_FIELDS.items()]

    def _field(self, name: str, kind: tuple[tuple[str, str], ...]) -> FieldView:
        spec = LeadForm.base_fields[name]
        bound = self.form[name] if self.form is not None else None
        value = bound.value() if bound is not None else None
        required = (("required", ""),) if spec.required else ()
        return FieldView(
            name=name,
            id=f"lead-{name}",
            slot=f"lead-{name}",
            label=str(spec.label),
            unit="" if spec.required else _("optional"),
            value="" if value is None else str(value),
            hint="",
            source="",
            errors=list(bound.errors) if bound is not None else [],
            choices=[],
            input_attrs=(*kind, *required, ("maxlength", str(spec.max_length))),
        )


# What a browser needs to fill in each contact field for the visitor.
CONTACT_FIELDS = {
    "email": (("type", "email"), ("autocomplete", "email")),
    "name": (("type", "text"), ("autocomplete", "name")),
}


def consent_wording(profile: EmbedProfile) -> str:
    return _(
        "Yes, %(agency)s may email me news and offers. I can unsubscribe at any time. "
        "Privacy policy: %(privacy)s"
    ) % {"agency": profile.agency_name, "privacy": profile.privacy_url}


def lead_context(profile: EmbedProfile, display: embed.Display, **state: Any) -> LeadState:
    """The lead form's state under an embed in the look ``display``: a fresh form,
    or with ``state`` after a submission. The URLconf gives it to the embed."""
    return LeadState(
        profile=profile, token=tokens.make(profile.slug), display_pairs=display.pairs(), **state
    )


def origin_problem(request: HttpRequest) -> str:
    """Why this POST may not come from the embed's own frame, or '' when it may."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site != "same-origin":
        return _("This form can only be sent from the calculator itself.")
    own = f"{request.scheme}://{request.get_host()}"
    if request.headers.get("Origin") != own:
        return _("This form can only be sent from the calculator itself.")
    return ""


def over_lead_limits(
    request: HttpRequest, profile: EmbedProfile, email: str
) -> tuple[int, str] | None:
    """Seconds to wait and why, when one more report to ``email`` would pass a
    limit; None while it may go out. Called once a report could go out: a
    mistyped address costs nothing."""
    # One office's visitors share a limit per agency, not across every embed.
    address = f"lead:{profile.slug}:{client_address(request)}"
    wait = over_limit(address, settings.LEADS_PER_HOUR, HOUR)
    if wait is not None:
        minutes = _minutes(wait)
        return wait, ngettext(
            "Too many reports were requested from here. Try again in %(minutes)s minute.",
            "Too many reports were requested from here. Try again in %(minutes)s minutes.",
            minutes,
        ) % {"minutes": minutes}
    # Each report goes to whatever inbox was typed: from many addresses, a
    # profile could relay mail without end. Its own hourly limit bounds that.
    wait = over_limit(f"lead-profile:{profile.slug}", settings.LEADS_PER_PROFILE_PER_HOUR, HOUR)
    if wait is not None:
        minutes = _minutes(wait)
        return wait, ngettext(
            "This calculator has sent too many reports this hour. Try again in %(minutes)s minute.",
            "This calculator has sent too many reports this hour. "
            "Try again in %(minutes)s minutes.",
            minutes,
        ) % {"minutes": minutes}
    # Whoever types an address in, from wherever, through whichever profile:
    # one inbox gets a few reports a day. The key is a digest, not the address.
    inbox = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    wait = over_limit(f"lead-inbox:{inbox}", settings.LEADS_PER_RECIPIENT_PER_DAY, DAY)
    if wait is not None:
        hours = max(1, -(-wait // HOUR))
        return wait, ngettext(
            "This address has been sent too many reports today. Try again in %(hours)s hour.",
            "This address has been sent too many reports today. Try again in %(hours)s hours.",
            hours,
        ) % {"hours": hours}
    # And one account's profiles together (the operator's own share one limit).
    account = f"lead-account:{profile.owner_id or 'site'}"
    wait = over_limit(account, settings.LEADS_PER_ACCOUNT_PER_DAY, DAY)
    if wait is not None:
        hours = max(1, -(-wait // HOUR))
        return wait, ngettext(
            "This calculator has sent too many reports today. Try again in %(hours)s hour.",
            "This calculator has sent too many reports today. Try again in %(hours)s hours.",
            hours,
        ) % {"hours": hours}
    return None


def _minutes(seconds: int) -> int:
    return max(1, -(-seconds // 60))


def store(profile: EmbedProfile, form: LeadForm, result_url: str, host_page: str = "") -> Lead:
    """The lead, with where and on what it was captured, and its deliveries,
    queued in the same transaction: a stored lead always has its deliveries
    waiting, whatever the mail server does."""
    data = form.cleaned_data
    consent = data["consent"]
    calculation = form.calculation
    report = model.report(calculation.inputs(), calculation.version)
    with transaction.atomic():
        lead = Lead.objects.create(
            profile=profile,
            email=data["email"],
            name=data["name"],
            result_url=result_url,
            model_version=calculation.version,
            marketing_consent=consent,
            consent_text=consent_wording(profile) if consent else "",
            consent_at=timezone.now() if consent else None,
            host_page=host_page,
            query=data["q"],
            **delivery.headline(report),
        )
        tasks.queue_for(lead)
        EmbedDailyStat.count(profile, "leads")
    return lead


@csrf_exempt
@xframe_options_exempt
@cookie_free
@require_POST
def capture(request: HttpRequest, slug: str) -> HttpResponse:
    profile = get_object_or_404(EmbedProfile, slug=slug, lead_capture=True)
    # The embed's language: the result link, the consent wording and the
    # report email follow it.
    translation.activate(embed_language(request, profile))
    display = display_of(request.POST, profile)
    form = LeadForm(request.POST, profile=profile)
    query = QueryDict(str(request.POST.get("q", ""))[:2000])

    def answer(status: int, **state: Any) -> HttpResponse:
        lead = lead_context(profile, display, **state)
        if request.htmx:
            response = render(request, "agency/_lead_form.html", {"lead": lead}, status=status)
        else:
            # Without JavaScript: the whole embed again, the result and the form's state.
            page_query = query.copy()
            for key, value in display.pairs():
                page_query[key] = value
            response = render_embed(request, profile, page_query, lead)
            response.status_code = status
        response["Cache-Control"] = "no-store"
        return embed_headers(response, profile)

    problem = origin_problem(request)
    if problem:
        return answer(403, error=problem)
    if not form.is_valid():
        return answer(400, form=form)
    try:
        refusal = over_lead_limits(request, profile, form.cleaned_data["email"])
    except DatabaseError:
        return unsaved(answer, form)
    if refusal is not None:
        wait, error = refusal
        response = answer(429, form=form, error=error)  # what was typed stays, to send later
        response["Retry-After"] = str(wait)
        return response
    if form.cleaned_data["website"]:
        # A robot: thank it as if it had worked, and keep nothing.
        return answer(200, sent_to=form.cleaned_data["email"], query=form.cleaned_data["q"])
    result_url = request.build_absolute_uri(reverse("calculator")) + "?" + form.cleaned_data["q"]
    try:
        store(profile, form, result_url, display.host or "")
    except DatabaseError:
        return unsaved(answer, form)
    return answer(200, sent_to=form.cleaned_data["email"], query=form.cleaned_data["q"])


def unsaved(answer: Callable[..., HttpResponse], form: LeadForm) -> HttpResponse:
    """503 when the database refuses the lead (read-only, locked, failed over):
    the form again with what was typed and a word to try later, instead of
    a 500 the form's script cannot show."""
    logger.exception("a lead could not be stored")
    close_connections()  # a fresh one for the next request, once the database recovers
    response = answer(
        503,
        form=form,
        error=_("We could not save your request just now. Please try again in a minute."),
    )
    response["Retry-After"] = str(UNSAVED_RETRY)
    return response
