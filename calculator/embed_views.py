"""The embed: the calculator alone, for other sites' iframes, and what serves it.

Every embed response is a GET, sets no cookie (third-party cookies are
blocked in most browsers, and an agency's visitors never agreed to ours) and
may be framed: by any site, or by the sites its profile lists.
"""

from __future__ import annotations

import logging
import time
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import resolve, reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_http_methods

from . import embed, locale, rendered, roi
from .caching import cacheable
from .forms import DEFAULT_INTEGRATION, CalculatorForm
from .http import readable_by_any_site
from .integrations import INTEGRATIONS
from .models import NO_SITE, EmbedDailyStat, EmbedProfile, ShortLink
from .sharing import CARD_HEIGHT, CARD_WIDTH, names_inputs
from .summary import summarise
from .views import render_calculator

logger = logging.getLogger(__name__)

# Bumped when theme_css() changes, so that a year's cache of one accent's
# stylesheet never outlives its rules.
THEME_VERSION = "1"
THEME_MAX_AGE = 31_536_000  # a year, immutable
# The loader's address is pasted into other sites and never changes, so it is
# cached briefly: a deploy reaches every host within the hour.
LOADER_MAX_AGE = 3600
LOADER = Path(settings.BASE_DIR) / "static" / "js" / "embed.js"

# A sandboxed frame (allow-scripts without allow-same-origin) has an opaque
# origin, so its htmx requests to the embed are cross-origin. The embed is
# public and sends no credentials, so it may answer any origin.
HTMX_REQUEST_HEADERS = "HX-Request, HX-Current-URL, HX-Target, HX-Trigger, HX-Trigger-Name"
HTMX_RESPONSE_HEADERS = "HX-Reswap, HX-Replace-Url"


def cookie_free(view):
    """Marks the view's responses so that CookieFreeMiddleware strips any cookie
    the session, CSRF or messages middleware would add on the way out."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.cookie_free = True
        return response

    return wrapped


def frame_policy(origins: list[str], images: list[str] | None = None) -> dict[str, list[str]]:
    """The site's CSP with framing opened to ``origins`` (any site when empty)."""
    policy = {key: list(values) for key, values in settings.SECURE_CSP.items()}
    policy["frame-ancestors"] = list(origins) or ["*"]
    if images:
        policy["img-src"] = [*policy.get("img-src", []), *images]
    return policy


def prefill(profile: EmbedProfile | None, query: QueryDict) -> QueryDict:
    """The profile's default inputs, overridden key by key by the query's."""
    data = profile.defaults.copy() if profile else QueryDict(mutable=True)
    for key in (*roi.INPUT_KEYS, "v"):
        if key in query:
            data.setlist(key, query.getlist(key))
    return data


def _preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = HTMX_REQUEST_HEADERS
    response["Access-Control-Max-Age"] = "86400"
    return response


@cacheable(vary=["HX-Request"])
@xframe_options_exempt
@cookie_free
@require_http_methods(["GET", "HEAD", "OPTIONS"])
def embed_view(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """The calculator without the site's chrome, in the look the query asks for."""
    profile = get_object_or_404(EmbedProfile, slug=slug) if slug is not None else None
    language = embed_language(request, profile)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    if request.method == "OPTIONS":
        response = _preflight()
    else:
        extra = _key_extra(profile)
        response = rendered.respond(request, lambda: _render_embed(request, profile), extra)
        if profile is not None:
            _count_request(request, profile, response)
    embed_headers(response, profile)
    if profile is not None and response.status_code in (200, 304):
        # Browsers revalidate every time (a cheap 304); a shared cache may keep
        # it briefly, then revalidates with the app (serving its copy while it
        # does), and the app counts a view at each revalidation.
        shared = settings.EMBED_PROFILE_SHARED_MAX_AGE
        patch_cache_control(response, max_age=0, s_maxage=shared, stale_while_revalidate=shared)
    return response


def embed_language(request: HttpRequest, profile: EmbedProfile | None) -> str:
    """The profile's fixed language, else the query's ``lang=``, else English."""
    if profile is not None and locale.valid(profile.language):
        return profile.language
    return locale.valid(request.GET.get(locale.CHOSEN)) or locale.DEFAULT


def embed_headers(response: HttpResponse, profile: EmbedProfile | None) -> HttpResponse:
    """What lets other sites frame and read an embed response."""
    readable_by_any_site(response)
    response["Access-Control-Expose-Headers"] = HTMX_RESPONSE_HEADERS
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    logo = urlsplit(profile.logo_url) if profile and profile.logo_url else None
    images = [f"https://{logo.netloc}"] if logo and not profile.logo_digest else None
    origins = profile.origins if profile else []
    if origins and origins != [NO_SITE]:
        # The agency's own dashboard previews the embed from this site.
        origins = [*origins, "'self'"]
    response._csp_config = frame_policy(origins, images)
    return response


def _own_preview(request: HttpRequest) -> bool:
    """A frame in one of this site's own pages (the dashboard's or the builder's
    preview), which is no visitor's view of an agency's embed."""
    return (
        request.headers.get("Sec-Fetch-Dest") == "iframe"
        and request.headers.get("Sec-Fetch-Site") == "same-origin"
        and not request.htmx
    )


def _render_embed(
    request: HttpRequest,
    profile: EmbedProfile | None,
    query: QueryDict | None = None,
    lead: Any = None,
) -> HttpResponse:
    """The embed for ``query`` (the request's by default). ``lead`` is the state of
    the lead form after a submission; otherwise a profile that captures leads
    gets a fresh one."""
    from .agency.capture import lead_context

    query = request.GET if query is None else query
    display = embed.display_options(
        query,
        profile.accent_digits if profile else None,
        profile.theme if profile else "auto",
        profile.hidden if profile else frozenset(),
    )
    action = reverse("embed-profile", args=[profile.slug]) if profile else reverse("embed")
    theme_url = None
    if display.accent:
        theme_url = f"{reverse('embed-theme')}?accent={display.accent}&v={THEME_VERSION}"
    cta = None
    if profile and profile.cta_label and profile.cta_url:
        cta = {"label": profile.cta_label, "url": profile.cta_url}
    extra = {
        "in_embed": True,
        "display": display,
        # lang= rides along with the display keys, so a recalculation keeps it.
        "display_pairs": [*display.pairs(), *_language_pair(request, profile)],
        "hide": display.hide,
        "form_action": action,
        "theme_url": theme_url,
        "profile": profile,
        "embed_cta": cta,
        "show_powered_by": profile.powered_by if profile else True,
        "home_url": request.build_absolute_uri(reverse("calculator")),
        "method_url": request.build_absolute_uri(reverse("method")),
    }
    if profile is not None and profile.lead_capture:
        extra["lead"] = lead or lead_context(profile, display)
    return render_calculator(request, prefill(profile, query), "calculator/embed.html", extra)


def _language_pair(request: HttpRequest, profile: EmbedProfile | None) -> list[tuple[str, str]]:
    language = translation.get_language()
    fixed = profile is not None and locale.valid(profile.language)
    if fixed or language == locale.DEFAULT:
        return []
    return [(locale.CHOSEN, language)]


def _key_extra(profile: EmbedProfile | None) -> list[str]:
    """What a kept embed answer depends on besides the request: the profile's
    revision, and with a lead form the five-minute step its token is signed for."""
    if profile is None:
        return []
    from .agency import tokens

    extra = [profile.revision]
    if profile.lead_capture:
        extra.append(f"lead-token-{int(time.time()) // tokens.STEP}")
    return extra


def _count_request(request: HttpRequest, profile: EmbedProfile, response: HttpResponse) -> None:
    """A view or a calculation of the profile's embed, whether rendered now or kept;
    the site's own previews of it count as neither."""
    if request.method != "GET" or _own_preview(request):
        return
    if not request.htmx:
        _count(profile, "views")
    elif response.get("HX-Reswap") != "none":  # an invalid input calculates nothing
        _count(profile, "calculations")


def _count(profile: EmbedProfile, what: str) -> None:
    """Counts best-effort: a database that refuses the write (read-only, locked,
    failing over) loses one count and logs it, and the visitor still gets the page."""
    try:
        with transaction.atomic():
            EmbedDailyStat.count(profile, what)
    except DatabaseError:
        logger.exception("embed %s of %s not counted", what, profile.slug)


@cacheable(max_age=THEME_MAX_AGE)
@cookie_free
@require_http_methods(["GET", "HEAD"])
def theme_css(request: HttpRequest) -> HttpResponse:
    """The accent's stylesheet: the CSP forbids inline styles, so colours come from here."""
    digits = embed.parse_accent(request.GET.get("accent"))
    if digits is None:
        return HttpResponse(
            "/* accent must be a hex colour such as 0b57b8 */\n",
            status=400,
            content_type="text/css; charset=utf-8",
        )
    response = HttpResponse(embed.theme_css(digits), content_type="text/css; charset=utf-8")
    patch_cache_control(response, immutable=True)
    return response


@cacheable(max_age=LOADER_MAX_AGE)
@cookie_free
@require_http_methods(["GET", "HEAD"])
def embed_js(request: HttpRequest) -> HttpResponse:
    """The loader at its stable address, for snippets pasted into other sites."""
    response = HttpResponse(LOADER.read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return readable_by_any_site(response)


# The builder: an agency's way to the snippet.

PREFILL_KEYS = ("spend", "conversions", "aov", "margin", "currency", "integration", "cpa_gain")
BRAND_ACCENT = "0b57b8"  # --brand in static/css/site.css
HEIGHTS = (300, 4000)
DEFAULT_HEIGHT = 1400
SECTION_LABELS = {
    "holdout": gettext_lazy("Holdout test planner"),
    "measurement": gettext_lazy("What Ads Manager will report"),
    "losses": gettext_lazy("Purchases lost, by cause"),
    "cashflow": gettext_lazy("Cash flow"),
    "sensitivity": gettext_lazy("What moves the result"),
    "share": gettext_lazy("Share panel"),
    "export": gettext_lazy("CSV download and print"),
}
FRAME_TITLE = gettext_lazy("CAPI ROI calculator")


def _height(value: str | None) -> int:
    text = (value or "").strip()
    if text.isascii() and text.isdigit() and len(text) < 6:
        return min(max(int(text), HEIGHTS[0]), HEIGHTS[1])
    return DEFAULT_HEIGHT


def _default(key: str) -> str:
    if key == "integration":
        return INTEGRATIONS[DEFAULT_INTEGRATION].short
    value = getattr(roi.DEFAULTS, key)
    if value is None:  # an optional input, such as the CPA improvement: empty
        return ""
    return value if isinstance(value, str) else roi.format_number(value)


def snippet(src: str, height: int, loader: str, width: int | None = None) -> str:
    """The HTML an agency pastes: the iframe works alone; the script sizes it.

    Its own width is the host column's (a style, since HTML's width attribute
    takes pixels only, so width="100%" is invalid on every page that pastes
    it), or ``width`` pixels where an oEmbed consumer asked for a size.
    """
    size = format_html('width="{}"', width) if width else mark_safe('style="width:100%"')
    return format_html(
        '<iframe src="{}" title="{}" loading="lazy" {} height="{}" '
        'allow="clipboard-write" data-capi-roi></iframe>\n<script src="{}" async></script>',
        src,
        FRAME_TITLE,
        size,
        height,
        loader,
    )


def builder_context(request: HttpRequest, profile: EmbedProfile | None) -> dict[str, Any]:
    """The builder's fields and the snippet they make. Only valid prefill values
    reach the snippet; the others are named with the calculator's own message."""
    query = request.GET
    defaults = profile.defaults if profile else QueryDict()
    given = {}
    for key in PREFILL_KEYS:
        value = query.get(key, defaults.get(key, "")) if key in query or profile else ""
        if isinstance(value, str) and value.strip() and len(value) <= 100:
            given[key] = value.strip()
    form = CalculatorForm(given)
    form.is_valid()
    prefill = [(key, value) for key, value in given.items() if key not in form.errors]
    fields = [
        {
            "name": key,
            "label": form.fields[key].label,
            "value": given.get(key, ""),
            "default": _default(key),
            "choices": list(getattr(form.fields[key], "choices", [])),
            "errors": list(form.errors.get(key, [])) if key in given else [],
        }
        for key in PREFILL_KEYS
    ]
    base_accent = (profile.accent_digits if profile else None) or BRAND_ACCENT
    # The section checkboxes arrive as one "hide" key each.
    display = embed.display_options(
        {
            "accent": query.get("accent", ""),
            "theme": query.get("theme", ""),
            "compact": query.get("compact", ""),
            "hide": ",".join(query.getlist("hide"))[: embed.MAX_VALUE],
        }
    )
    accent = display.accent or base_accent
    chosen = embed.Display(
        accent=accent if accent != base_accent else None,
        theme=display.theme,
        compact=display.compact,
        hide=display.hide,
        frame="capi-roi",
    )
    height = _height(query.get("height"))
    path = reverse("embed-profile", args=[profile.slug]) if profile else reverse("embed")
    # The embed's language: the profile's when it fixes one, else the choice
    # here, which starts as the builder page's own language.
    fixed = locale.valid(profile.language) if profile else None
    language = fixed or locale.valid(query.get(locale.CHOSEN)) or translation.get_language()
    if language != locale.DEFAULT and not fixed:
        prefill = [*prefill, (locale.CHOSEN, language)]
    src = request.build_absolute_uri(path) + "?" + urlencode([*prefill, *chosen.pairs()])
    preview = embed.Display(
        accent=chosen.accent,
        theme=chosen.theme,
        compact=chosen.compact,
        hide=chosen.hide,
        frame="capi-roi-preview",
    )
    return {
        "profile": profile,
        "fields": fields,
        "accent": f"#{accent}",
        "display": display,
        "themes": embed.THEMES,
        "languages": settings.LANGUAGES,
        "embed_language": language,
        "language_fixed": bool(fixed),
        "sections": [(key, SECTION_LABELS[key]) for key in embed.SECTIONS],
        "height": height,
        "heights": HEIGHTS,
        "snippet": snippet(src, height, request.build_absolute_uri(reverse("embed-js"))),
        "preview_src": f"{path}?{urlencode([*prefill, *preview.pairs()])}",
    }


@require_http_methods(["GET", "HEAD"])
def builder(request: HttpRequest) -> HttpResponse:
    """The snippet builder, a page of the site (framing denied like the others)."""
    slug = request.GET.get("profile")
    profile = get_object_or_404(EmbedProfile, slug=slug) if slug else None
    context = builder_context(request, profile)
    template = "calculator/builder.html"
    if request.htmx:
        template += "#output"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# oEmbed: a result's link pasted into a CMS that speaks oEmbed becomes the embed.

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
    return summarise(roi.report(form.inputs(), form.version)).title


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
