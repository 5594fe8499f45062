"""Views: thin, they bind the form, ask the model, and render."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Mapping
from datetime import timedelta
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import replace_url, reswap

from . import card, presentation, rendered, roi, sharing, spreadsheet
from .api.views import RateLimited, short_link_for
from .caching import cacheable
from .forms import CalculatorForm
from .integrations import INTEGRATIONS
from .models import ShortLink
from .summary import summarise

# A result's card never changes: its query names every input and the model
# version, and the design version is part of its ETag.
IMMUTABLE = "public, max-age=31536000, immutable"
# The generic card and the redirect to a canonical card follow the site's
# current design and model version, so they are kept for a day only.
DAILY = "public, max-age=86400"


def _field_groups(
    form: CalculatorForm, groups: list[tuple[str, list[str]]], currency: str
) -> list[Any]:
    return [(legend, presentation.field_views(form, names, currency)) for legend, names in groups]


def calculator_context(request: HttpRequest, query: Mapping[str, Any]) -> dict[str, Any]:
    """Form, report and everything the page shows for ``query``.

    The form reads numbers as the page's language types them ('30.000' is
    thirty thousand on a German page); its canonical query is the same in
    every language.
    """
    form = CalculatorForm(query, language=translation.get_language())
    report = roi.report(form.inputs(), form.version) if form.is_valid() else None
    advanced = [name for _, names in presentation.ADVANCED_GROUPS for name in names]
    currency = form.cleaned_data.get("currency") or roi.DEFAULTS.currency
    share = sharing.share_context(request, form, report, query)
    context: dict[str, Any] = {
        "form": form,
        "report": report,
        "share": share,
        "groups": _field_groups(form, presentation.GROUPS, currency),
        "advanced_groups": _field_groups(form, presentation.ADVANCED_GROUPS, currency),
        "advanced_open": bool(set(advanced) & set(form.errors)),
        "advanced_changed": presentation.changed_from_defaults(form, advanced),
        # The fields the form shows, each with a message slot to update.
        "field_slots": {name for _, names in presentation.GROUPS for name in names} | set(advanced),
        "presets": presentation.preset_links(),
        "hide": frozenset(),  # result sections to leave out; only the embed sets any
        # A link someone opens shows whose result it is until they change an input.
        "shared": share["is_result"] and not request.htmx,
    }
    if report is not None:
        context["query"] = form.canonical_query()
        if query:  # a result's page in other languages: as every language reads it
            request.canonical_query = context["query"]
        context.update(presentation.results_context(report))
    return context


def render_calculator(
    request: HttpRequest,
    query: Mapping[str, Any],
    template: str = "calculator/page.html",
    extra: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The calculator for ``query``: the whole page, or for htmx only its results.

    An invalid htmx request swaps nothing but the field messages, so the last
    valid results stay on screen, marked as such. ``extra`` adds to the
    context (the embed's display options).
    """
    context = calculator_context(request, query)
    context.update(extra or {})
    if context.get("in_embed"):
        context["shared"] = False  # an embed's query is the agency's prefill, not a share
    if not request.htmx:
        return render(request, template, context)
    response = render(request, "calculator/_calculator.html#results", context)
    if context["report"] is None:
        reswap(response, "none")
        replace_url(response, False)
    elif not context.get("in_embed"):
        # The address bar shows the result's link as it will be shared:
        # "30k" becomes 30000, and every input is named.
        replace_url(response, f"{reverse('calculator')}?{context['query']}")
    return response


METHOD_TITLE = format_lazy(
    "{} | {}", _("How the CAPI ROI calculator works"), _("CAPI ROI calculator")
)
METHOD_DESCRIPTION = _(
    "The method behind the CAPI ROI calculator: how tracking losses, Conversions API "
    "recovery, the performance lift, ROI, payback, NPV, break-evens and ranges are "
    "calculated, with sources."
)


# The htmx request gets the results partial: caches must tell it apart.
@cacheable(vary=["HX-Request"])
@require_safe
@rendered.cached()
def calculator(request: HttpRequest) -> HttpResponse:
    return render_calculator(request, request.GET)


@cacheable()
@require_safe
def method(request: HttpRequest) -> HttpResponse:
    share = sharing.page_share(request, "method", METHOD_TITLE, METHOD_DESCRIPTION)
    context = {
        "integrations": list(INTEGRATIONS.values()),
        "share": share,
    }
    return render(request, "calculator/method.html", context)


@require_safe
def export_csv(request: HttpRequest) -> HttpResponse:
    """A result as a spreadsheet: the verdict and figures, the inputs, the months."""
    form = CalculatorForm(request.GET)
    if not form.is_valid():
        message = "\n".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    report = roi.report(form.inputs(), form.version)
    labels = {name: str(form.fields[name].label) for name in roi.INPUT_KEYS}
    choices = {
        name: {key: str(text) for key, text in getattr(form.fields[name], "choices", [])}
        for name in roi.INPUT_KEYS
    }
    units = {name: getattr(form.fields[name], "unit", None) for name in roi.INPUT_KEYS}
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="capi-roi.csv"'
    # A byte-order mark first: without it Excel reads UTF-8 as Windows-1252 and
    # the German, French and Spanish labels (ü, é, ñ) arrive garbled.
    response.write("\ufeff")
    csv.writer(response).writerows(spreadsheet.rows(report, labels, choices, units))
    return response


class _ShareRedirect(HttpResponseRedirect):
    allowed_schemes = ["https", "mailto"]


@require_http_methods(["GET", "HEAD"])
def share(request: HttpRequest, network: str) -> HttpResponse:
    """Opens a network's share dialog (or an email) with the result's short link.

    A plain link, so it works without a script and from inside the embed. The
    short link's code comes from the canonical query, so sharing one result
    twice makes one link; past the client's hourly limit the full link is
    shared instead.
    """
    if network not in sharing.NETWORKS:
        raise Http404("No such network.")
    form = CalculatorForm(request.GET)
    if not form.is_valid():
        problems = " ".join(message for messages in form.errors.values() for message in messages)
        return HttpResponse(
            gettext("This share link has invalid inputs. %(problems)s") % {"problems": problems}
            + "\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    try:
        link, _created = short_link_for(request, form)
        url = request.build_absolute_uri(reverse("short-link", args=[link.code]))
    except RateLimited:
        url = request.build_absolute_uri(f"{reverse('calculator')}?{form.canonical_query()}")
    title = summarise(roi.report(form.inputs(), form.version)).title
    response = _ShareRedirect(sharing.share_links(url, title)[network])
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


DAY = 86400
FAVICON = Path(settings.BASE_DIR) / "static" / "favicon.ico"  # static/favicon.svg at 16, 32, 48 px
# security.txt must name its own expiry (RFC 9116); it is written afresh, so
# it always looks half a year ahead.
SECURITY_TXT_LIFETIME = timedelta(days=182)


def _plain_text(lines: list[str]) -> HttpResponse:
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def _absolute(request: HttpRequest, name: str) -> str:
    return request.build_absolute_uri(reverse(name))


@cacheable(max_age=DAY)
@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /api/",
        "Disallow: /admin/",
        "Disallow: /share/",
        # The share redirects of the other languages too (roi_site/urls.py).
        *(
            f"Disallow: /{code}/share/"
            for code, _ in settings.LANGUAGES
            if code != settings.LANGUAGE_CODE
        ),
        "",
        f"Sitemap: {_absolute(request, 'sitemap')}",
        "",
    ]
    return _plain_text(lines)


@cacheable(max_age=DAY)
@require_safe
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    """The site's own pages and the presets' results, each in every language with
    its alternates (hreflang): what a search engine should know."""
    pages = [
        ("calculator", ""),
        ("method", ""),
        ("embed-builder", ""),
        *(("calculator", query) for _, query in presentation.preset_links()),
    ]
    every = []  # per page, (language, address) for each language
    for name, query in pages:
        versions = []
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                address = _absolute(request, name) + (f"?{query}" if query else "")
            versions.append((code, address))
        every.append(versions)
    # English first, then each language's pages, each naming all its versions.
    urls = [
        {"loc": versions[k][1], "alternates": versions}
        for k in range(len(settings.LANGUAGES))
        for versions in every
    ]
    return render(
        request, "sitemap.xml", {"urls": urls}, content_type="application/xml; charset=utf-8"
    )


@cacheable(max_age=DAY)
@require_safe
def security_txt(request: HttpRequest) -> HttpResponse:
    """RFC 9116: where to report a vulnerability."""
    expires = (timezone.now() + SECURITY_TXT_LIFETIME).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    lines = [
        f"Contact: {settings.SECURITY_CONTACT or 'mailto:security@' + request.get_host()}",
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: en",
        f"Canonical: {_absolute(request, 'security-txt')}",
        "",
    ]
    return _plain_text(lines)


@cacheable(max_age=DAY)
@require_safe
def favicon_ico(request: HttpRequest) -> HttpResponse:
    """For clients that ask for /favicon.ico whatever the page's <link rel="icon"> says."""
    return HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")


@cacheable(vary=["HX-Request"])
@require_safe
@rendered.cached()
def short_link(request: HttpRequest, code: str) -> HttpResponse:
    """The result a short link stands for, with its inputs and its card."""
    link = get_object_or_404(ShortLink, code=code)
    return render_calculator(request, QueryDict(link.query))


def _not_modified_if_held(view):
    """304 when the client holds the kept card already: the ETag of a kept
    answer is known without running the view."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or not response.has_header("ETag"):
            return response
        return get_conditional_response(request, etag=response["ETag"], response=response)

    return wrapped


@require_http_methods(["GET", "HEAD"])
@_not_modified_if_held
# A repeat asks nothing of the form: the answer for this exact query and
# language is kept, headers and all (its ETag and Cache-Control).
@rendered.cached()
def card_png(request: HttpRequest) -> HttpResponse:
    """The social card: generic without a query, the result's for a canonical one.

    A valid but non-canonical query redirects to its canonical form, so that
    caches hold one image per result; an invalid one answers 400 in words.
    """
    raw = request.META.get("QUERY_STRING", "")
    if not raw:
        return _png(request, "generic", card.render_generic, DAILY)
    form = CalculatorForm(request.GET)
    if not form.is_valid():
        problems = " ".join(message for messages in form.errors.values() for message in messages)
        return HttpResponse(
            gettext("This card link has invalid inputs. %(problems)s") % {"problems": problems}
            + "\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    canonical = form.canonical_query()
    if raw != canonical:
        response = HttpResponsePermanentRedirect(f"{reverse('card')}?{canonical}")
        response["Cache-Control"] = DAILY  # an unversioned query may mean a later version
        return response
    return _png(
        request,
        canonical,
        lambda: card.render_result(roi.report(form.inputs(), form.version)),
        IMMUTABLE,
    )


def _png(request: HttpRequest, identity: str, draw, cache_control: str) -> HttpResponse:
    """The PNG, or 304 when the client holds it already (checked before drawing)."""
    # The card is drawn in the active language ('20.000 €' in German), so the
    # language is part of its ETag as of its kept copy's key.
    language = translation.get_language() or ""
    digest = hashlib.sha256(f"{card.DESIGN}|{language}|{identity}".encode()).hexdigest()[:32]
    etag = f'"{digest}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        # Drawn once per card, then kept for every worker and server.
        response = HttpResponse(
            rendered.fetch(rendered.card_key(identity), draw), content_type="image/png"
        )
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    return response
