"""Sharing's own addresses: the short link, the card image, a network's share
dialog and the CSV export of a result."""

from __future__ import annotations

import csv

from django.core.cache import caches
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_safe

from calculator import model
from calculator.api.views import RateLimited, short_link_for
from calculator.forms import FORM_KEYS, CalculatorForm
from calculator.http.caching import cacheable
from calculator.models import ShortLink
from calculator.sharing import card, links, spreadsheet
from calculator.summary import summarise
from calculator.views import render_calculator

# A result's card never changes: its query names every input and the model
# version, and the design version is part of its ETag.
IMMUTABLE = "public, max-age=31536000, immutable"
# The generic card and the redirect to a canonical card follow the site's
# current design and model version, so they are kept for a day only.
DAILY = "public, max-age=86400"
# Where drawn cards are kept (settings.CACHES), and for how long: a card's
# bytes follow only from its key (card.kept_key), so a month costs nothing
# but space, and the cache culls when full.
CARDS = "cards"
CARD_SECONDS = 30 * 24 * 3600


@require_safe
def export_csv(request: HttpRequest) -> HttpResponse:
    """A result as a spreadsheet: the verdict and figures, the inputs, the months."""
    form = CalculatorForm(request.GET)
    if not form.is_valid():
        message = "\n".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    report = model.report(form.inputs(), form.version)
    labels = {name: str(form.fields[name].label) for name in FORM_KEYS}
    choices = {
        name: {key: str(text) for key, text in getattr(form.fields[name], "choices", [])}
        for name in FORM_KEYS
    }
    units = {name: getattr(form.fields[name], "unit", None) for name in FORM_KEYS}
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="capi-roi.csv"'
    # A byte-order mark first: without it Excel reads UTF-8 as Windows-1252 and
    # the German, French and Spanish labels (ü, é, ñ) arrive garbled.
    response.write("\ufeff")
    csv.writer(response).writerows(spreadsheet.rows(report, labels, choices, units))
    return response


def _refused(form: CalculatorForm, sentence: str) -> HttpResponse:
    """400 in words: ``sentence`` with every message of the invalid form."""
    problems = " ".join(message for messages in form.errors.values() for message in messages)
    return HttpResponse(
        sentence % {"problems": problems} + "\n",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


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
    if network not in links.NETWORKS:
        raise Http404("No such network.")
    form = CalculatorForm(request.GET)
    if not form.is_valid():
        return _refused(form, gettext("This share link has invalid inputs. %(problems)s"))
    try:
        link, _created = short_link_for(request, form)
        url = request.build_absolute_uri(reverse("short-link", args=[link.code]))
    except RateLimited:
        url = request.build_absolute_uri(f"{reverse('calculator')}?{form.canonical_query()}")
    title = summarise(model.report(form.inputs(), form.version)).title
    response = _ShareRedirect(links.share_links(url, title)[network])
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@cacheable(vary=["HX-Request"])
@require_safe
def short_link(request: HttpRequest, code: str) -> HttpResponse:
    """The result a short link stands for, with its inputs and its card."""
    link = get_object_or_404(ShortLink, code=code)
    host = links.hosted_target(link.query)  # made in an agency's embed: its page
    if host is not None:
        return HttpResponseRedirect(host)
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
        return _refused(form, gettext("This card link has invalid inputs. %(problems)s"))
    canonical = form.canonical_query()
    if raw != canonical:
        response = HttpResponsePermanentRedirect(f"{reverse('card')}?{canonical}")
        response["Cache-Control"] = DAILY  # an unversioned query may mean a later version
        return response
    return _png(
        request,
        canonical,
        lambda: card.render_result(model.report(form.inputs(), form.version)),
        IMMUTABLE,
    )


def _png(request: HttpRequest, identity: str, draw, cache_control: str) -> HttpResponse:
    """The PNG, or 304 when the client holds it already (checked before drawing)."""
    etag = f'"{card.digest(identity)[:32]}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        # Drawn once per card, then kept for every worker and server.
        image = caches[CARDS].get_or_set(card.kept_key(identity), draw, CARD_SECONDS)
        response = HttpResponse(image, content_type="image/png")
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    return response
