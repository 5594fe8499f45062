"""oEmbed: a result's link pasted into a CMS that speaks oEmbed becomes the embed."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.urls import resolve, reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods

from calculator import locale, model
from calculator.embeds.builder import FRAME_TITLE, snippet
from calculator.forms import CalculatorForm
from calculator.http.cors import readable_by_any_site
from calculator.models import ShortLink
from calculator.sharing.links import CARD_HEIGHT, CARD_WIDTH, names_inputs
from calculator.summary import summarise

OEMBED_SIZE = (800, 1400)  # width and height when the consumer sets no maximum


def _oembed_query(request: HttpRequest, url: str) -> str | None:
    """The canonical query of a calculator or short-link URL of this site, else None.

    Called with the URL's own language active (see ``oembed``)."""
    if len(url) > 2000:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != request.get_host():
        return None
    if parts.path == reverse("calculator"):
        query = QueryDict(parts.query)
    else:
        try:
            match = resolve(parts.path)
        except Http404:
            return None
        if match.url_name != "short-link":
            return None
        link = ShortLink.objects.filter(code=match.kwargs["code"]).first()
        if link is None:
            return None
        query = QueryDict(link.query)
    form = CalculatorForm(query)
    if not form.is_valid():
        return None
    return form.canonical_query() if names_inputs(query) else ""


def _oembed_title(query: str) -> str:
    """The result named as on its page and card; the calculator's name without one."""
    if not query:
        return FRAME_TITLE
    form = CalculatorForm(QueryDict(query))
    form.is_valid()
    return summarise(model.report(form.inputs(), form.version)).title


def _bound(value: str | None, default: int) -> int:
    text = (value or "").strip()
    if text.isascii() and text.isdigit() and 0 < len(text) < 6 and int(text) > 0:
        return min(int(text), default)
    return default


@require_http_methods(["GET", "HEAD"])
def oembed(request: HttpRequest) -> HttpResponse:
    """The oEmbed answer (type rich) for a page or result URL of this site."""
    if request.GET.get("format", "json") != "json":
        return readable_by_any_site(HttpResponse("Only format=json is available.\n", status=501))
    url = request.GET.get("url", "")
    # The title, card and embed follow the language of the page's address.
    language = locale.language_of_path(urlsplit(url[:2000]).path) or locale.DEFAULT
    with translation.override(language):
        return _oembed_answer(request, url, language)


def _oembed_answer(request: HttpRequest, url: str, language: str) -> HttpResponse:
    query = _oembed_query(request, url)
    if query is None:
        return readable_by_any_site(HttpResponse("Not a page of this calculator.\n", status=404))
    width = _bound(request.GET.get("maxwidth"), OEMBED_SIZE[0])
    height = _bound(request.GET.get("maxheight"), OEMBED_SIZE[1])
    src = (
        request.build_absolute_uri(reverse("embed"))
        + "?"
        + "&".join(
            part
            for part in (
                query,
                f"{locale.CHOSEN}={language}" if language != locale.DEFAULT else "",
                "frame=capi-roi",
            )
            if part
        )
    )
    html = snippet(src, height, request.build_absolute_uri(reverse("embed-js")), width)
    body = {
        "type": "rich",
        "version": "1.0",
        "title": str(_oembed_title(query)),
        "provider_name": str(FRAME_TITLE),
        "provider_url": request.build_absolute_uri(reverse("calculator")),
        "html": html,
        "width": width,
        "height": height,
    }
    # The result's card, unless the consumer asked for something smaller: a
    # thumbnail must respect maxwidth and maxheight, and the card has one size.
    card_fits = _bound(request.GET.get("maxwidth"), CARD_WIDTH) == CARD_WIDTH and (
        _bound(request.GET.get("maxheight"), CARD_HEIGHT) == CARD_HEIGHT
    )
    if card_fits:
        card_url = reverse("card") + (f"?{query}" if query else "")
        body.update(
            thumbnail_url=request.build_absolute_uri(card_url),
            thumbnail_width=CARD_WIDTH,
            thumbnail_height=CARD_HEIGHT,
        )
    response = readable_by_any_site(JsonResponse(body))
    response["Cache-Control"] = "public, max-age=86400"
    return response
