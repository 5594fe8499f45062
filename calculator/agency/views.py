"""The agency dashboard under /agency/: only the signed-in agency's own things.

Every object is looked up together with its owner, so another agency's
profile, lead or delivery answers 404 exactly as a missing one does.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from calculator import locale
from calculator.embeds.builder import DEFAULT_HEIGHT, snippet
from calculator.models import EmbedProfile

from . import charts, delivery, tasks
from .export import write_leads_csv
from .forms import ProfileForm
from .models import Delivery, Lead


def own_profile(request: HttpRequest, slug: str) -> EmbedProfile:
    return get_object_or_404(EmbedProfile, slug=slug, owner=request.user)


def no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def embed_address(profile: EmbedProfile, frame: str) -> str:
    """The profile's embed, in the language the agency reads the dashboard in
    unless the profile fixes one (as the builder makes it)."""
    pairs = [("frame", frame)]
    language = translation.get_language()
    if not profile.language and language != locale.DEFAULT:
        pairs.append((locale.CHOSEN, language))
    return reverse("embed-profile", args=[profile.slug]) + "?" + urlencode(pairs)


def embed_snippet(request: HttpRequest, profile: EmbedProfile) -> str:
    src = request.build_absolute_uri(embed_address(profile, "capi-roi"))
    return snippet(src, DEFAULT_HEIGHT, request.build_absolute_uri(reverse("embed-js")))


def overdue_deliveries(owner) -> int:
    """The owner's deliveries waiting more than ten minutes past their time,
    unclaimed: with a worker running, the sweep would have sent them by now."""
    cutoff = timezone.now() - delivery.OVERDUE
    late = Q(next_attempt__lt=cutoff) | Q(next_attempt__isnull=True, created__lt=cutoff)
    return Delivery.objects.filter(
        late,
        lead__profile__owner=owner,
        status=Delivery.Status.PENDING,
        claimed_until__isnull=True,
    ).count()


@require_http_methods(["GET", "HEAD"])
def home(request: HttpRequest) -> HttpResponse:
    """ "For agencies": what an account gives, to a visitor; the dashboard, to an agency."""
    if request.user.is_authenticated:
        return dashboard(request)
    preview = reverse("embed") + "?" + urlencode(LANDING_PREVIEW)
    language = translation.get_language()
    if language != locale.DEFAULT:
        preview += "&" + urlencode([(locale.CHOSEN, language)])
    return render(request, "agency/landing.html", {"preview_src": preview})


# The landing page's live preview: the verdict and key figures of a sample
# result, in a sample agency's colour, without the long sections.
LANDING_PREVIEW = [
    ("spend", "20000"),
    ("accent", "0f7b6c"),
    ("theme", "light"),
    ("hide", "holdout,measurement,losses,cashflow,sensitivity,share,export"),
    ("frame", "capi-roi-landing"),
]


@login_required
@require_http_methods(["GET", "HEAD"])
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.now().date()
    since = today - timezone.timedelta(days=29)
    profiles = (
        EmbedProfile.objects.filter(owner=request.user)
        .order_by("agency_name", "slug")
        .prefetch_related("stats")
        .annotate(
            views_30=Sum("stats__views", filter=Q(stats__day__gte=since)),
            calculations_30=Sum("stats__calculations", filter=Q(stats__day__gte=since)),
            leads_30=Sum("stats__leads", filter=Q(stats__day__gte=since)),
        )
    )
    cards = []
    for profile in profiles:
        rows = charts.days(profile.stats.all(), today)
        cards.append(
            {
                "profile": profile,
                "rows": rows,
                "chart": charts.sparkline(
                    rows,
                    _("Daily views, calculations and leads of %(agency)s")
                    % {"agency": profile.agency_name},
                ),
                "snippet": embed_snippet(request, profile),
            }
        )
    context = {"cards": cards, "overdue": overdue_deliveries(request.user)}
    return no_store(render(request, "agency/dashboard.html", context))


def _secret_page(request: HttpRequest, profile: EmbedProfile) -> HttpResponse:
    """The webhook secret, shown once: this answer is never stored or shown again."""
    return no_store(render(request, "agency/secret.html", {"profile": profile}))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_create(request: HttpRequest) -> HttpResponse:
    owned = EmbedProfile(owner=request.user)  # the form counts the account's profiles
    form = ProfileForm(request.POST or None, request.FILES or None, instance=owned)
    if request.method == "POST" and form.is_valid():
        profile = form.save(commit=False)
        new_secret = bool(profile.webhook_url)
        if new_secret:
            profile.webhook_secret = delivery.new_secret()
        profile.save()
        messages.success(request, _("Saved."))
        if new_secret:
            return _secret_page(request, profile)
        return redirect("agency:profile", slug=profile.slug)
    context = {"form": form, "profile": None, "starting_fields": form.starting_fields()}
    return no_store(render(request, "agency/profile_form.html", context))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_edit(request: HttpRequest, slug: str) -> HttpResponse:
    profile = own_profile(request, slug)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        profile = form.save(commit=False)
        new_secret = bool(profile.webhook_url) and not profile.webhook_secret
        if new_secret:
            profile.webhook_secret = delivery.new_secret()
        profile.save()
        messages.success(request, _("Saved."))
        if new_secret:
            return _secret_page(request, profile)
        return redirect("agency:profile", slug=profile.slug)
    preview = embed_address(profile, "capi-roi-preview")
    context = {
        "form": form,
        "profile": profile,
        "starting_fields": form.starting_fields(),
        "snippet": embed_snippet(request, profile),
        # Both themes side by side, whichever the profile chooses: a logo or
        # an accent that fails on one of them shows here before a visitor sees it.
        "previews": [
            ("light", _("Light"), f"{preview}&theme=light"),
            ("dark", _("Dark"), f"{preview}&theme=dark"),
        ],
    }
    return no_store(render(request, "agency/profile_form.html", context))


@login_required
@require_POST
def secret_rotate(request: HttpRequest, slug: str) -> HttpResponse:
    profile = own_profile(request, slug)
    profile.webhook_secret = delivery.new_secret()
    profile.save(update_fields=["webhook_secret"])
    return _secret_page(request, profile)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_delete(request: HttpRequest, slug: str) -> HttpResponse:
    profile = own_profile(request, slug)
    if request.method == "POST":
        profile.delete()
        return redirect("agency:dashboard")
    leads = profile.leads.count()
    return no_store(
        render(request, "agency/profile_delete.html", {"profile": profile, "leads": leads})
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def leads(request: HttpRequest, slug: str) -> HttpResponse:
    profile = own_profile(request, slug)
    rows = profile.leads.annotate(
        failed=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED))
    )[:500]
    log = Delivery.objects.filter(lead__profile=profile).select_related("lead")[:200]
    context = {"profile": profile, "leads": rows, "total": profile.leads.count(), "log": log}
    return no_store(render(request, "agency/leads.html", context))


@login_required
@require_http_methods(["GET", "HEAD"])
def leads_csv(request: HttpRequest, slug: str) -> HttpResponse:
    profile = own_profile(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="leads-{profile.slug}.csv"'
    write_leads_csv(response, profile.leads.all())
    return no_store(response)


@login_required
@require_POST
def lead_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    profile = own_profile(request, slug)
    lead = get_object_or_404(Lead, pk=pk, profile=profile)
    lead.delete()
    return redirect("agency:leads", slug=profile.slug)


@login_required
@require_POST
def delivery_retry(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A delivery that gave up, tried again from the start (after fixing the webhook, say)."""
    profile = own_profile(request, slug)
    item = get_object_or_404(Delivery, pk=pk, lead__profile=profile, status=Delivery.Status.FAILED)
    item.status, item.attempts, item.next_attempt = Delivery.Status.PENDING, 0, None
    item.save()
    tasks.enqueue(item)
    return redirect("agency:leads", slug=profile.slug)
