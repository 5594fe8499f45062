"""Views: thin, they bind the form, ask the model, and render."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_GET, require_http_methods

from . import card, roi, sharing
from .forms import CalculatorForm
from .models import ShortLink

# A result's card never changes: its query names every input and the model
# version, and the design version is part of its ETag.
IMMUTABLE = "public, max-age=31536000, immutable"
# The generic card and the redirect to a canonical card follow the site's
# current design and model version, so they are kept for a day only.
DAILY = "public, max-age=86400"


def render_calculator(
    request: HttpRequest, query: Mapping[str, Any], template: str = "calculator/page.html"
) -> HttpResponse:
    """The calculator for ``query`` (a QueryDict): the page, or its results partial."""
    form = CalculatorForm(query)
    report = roi.report(form.inputs(), form.version) if form.is_valid() else None
    context = {
        "form": form,
        "report": report,
        "share": sharing.share_context(request, form, report, query),
    }
    return render(request, template, context)


@require_GET
def calculator(request: HttpRequest) -> HttpResponse:
    return render_calculator(request, request.GET)


@require_GET
def short_link(request: HttpRequest, code: str) -> HttpResponse:
    """The result a short link stands for, with its inputs and its card."""
    link = get_object_or_404(ShortLink, code=code)
    return render_calculator(request, QueryDict(link.query))


@require_http_methods(["GET", "HEAD"])
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
            f"This card link has invalid inputs. {problems}\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    canonical = sharing.canonical_query(form)
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
    digest = hashlib.sha256(f"{card.DESIGN}|{identity}".encode()).hexdigest()[:32]
    etag = f'"{digest}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(draw(), content_type="image/png")
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    return response
