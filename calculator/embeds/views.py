"""The embed: the calculator alone, for other sites' iframes, and what serves it.

Every embed response is a GET, sets no cookie (third-party cookies are
blocked in most browsers, and an agency's visitors never agreed to ours) and
may be framed: by any site, or by the sites its profile lists.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from calculator import locale
from calculator.embeds import display as embed_display
from calculator.embeds.models import NO_SITE, EmbedDailyStat, EmbedProfile
from calculator.forms import FORM_KEYS, MAX_QUERY, CalculatorForm
from calculator.http.caching import cacheable
from calculator.http.cors import readable_by_any_site
from calculator.http.ratelimit import over_limit
from calculator.http.security import allow_framing
from calculator.http.throttle import client_address
from calculator.models import ShortLink
from calculator.sharing import links
from calculator.views import render_calculator

logger = logging.getLogger(__name__)

# Bumped when theme_css() changes, so that a year's cache of one accent's
# stylesheet never outlives its rules.
THEME_VERSION = "1"
THEME_MAX_AGE = 31_536_000  # a year, immutable
# The loader's address is pasted into other sites and never changes, so it is
# cached briefly: a deploy reaches every host within the hour.
LOADER_MAX_AGE = 3600
# A frame's reload by the loader follows its first load within a second or
# two; a minute leaves room for a slow page, and a later load is a new view.
RELOAD_SECONDS = 60
LOADER = Path(settings.BASE_DIR) / "static" / "js" / "embed.js"

# A sandboxed frame (allow-scripts without allow-same-origin) has an opaque
# origin, so its htmx requests to the embed are cross-origin. The embed is
# public and sends no credentials, so it may answer any origin.
HTMX_REQUEST_HEADERS = "HX-Request, HX-Current-URL, HX-Target, HX-Trigger, HX-Trigger-Name"
HTMX_RESPONSE_HEADERS = "HX-Reswap, HX-Replace-Url"

# Makes the state of a profile's lead form for an embed's look (the agency's
# capture.lead_context); the template shows it under the figures.
LeadFormMaker = Callable[[EmbedProfile, embed_display.Display], Any]


def cookie_free(view):
    """Marks the view's responses so that CookieFreeMiddleware strips any cookie
    the session, CSRF or messages middleware would add on the way out."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.cookie_free = True
        return response

    return wrapped


def prefill(profile: EmbedProfile | None, query: QueryDict) -> QueryDict:
    """The profile's default inputs, overridden key by key by the query's."""
    data = profile.defaults.copy() if profile else QueryDict(mutable=True)
    for key in (*FORM_KEYS, "store", "ads", "v"):
        if key in query:
            data.setlist(key, query.getlist(key))
    return data


def _preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = HTMX_REQUEST_HEADERS
    response["Access-Control-Max-Age"] = "86400"
    return response


# Outside cacheable, so that a 304 is marked too: a browser merges its headers
# into the copy it keeps. (cacheable carries the CSP header over itself.)
@xframe_options_exempt
@cookie_free
@cacheable(vary=["HX-Request"])
@require_http_methods(["GET", "HEAD", "OPTIONS"])
def embed_view(
    request: HttpRequest, slug: str | None = None, lead_form: LeadFormMaker | None = None
) -> HttpResponse:
    """The calculator without the site's chrome, in the look the query asks for.

    ``lead_form`` makes the "Email me this report" form of a profile that
    captures leads. The URLconf passes the agency's: the agency is built on the
    embed, so the embed never imports it."""
    profile = get_object_or_404(EmbedProfile, slug=slug) if slug is not None else None
    language = embed_language(request, profile)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    if request.method == "OPTIONS":
        response = _preflight()
    else:
        lead = _fresh_lead(request, profile, lead_form)
        response = render_embed(request, profile, lead=lead)
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
    allow_framing(response, origins, images)
    return response


def _own_preview(request: HttpRequest) -> bool:
    """A frame in one of this site's own pages (the dashboard's or the builder's
    preview), which is no visitor's view of an agency's embed."""
    return (
        request.headers.get("Sec-Fetch-Dest") == "iframe"
        and request.headers.get("Sec-Fetch-Site") == "same-origin"
        and not request.htmx
    )


def display_of(query: QueryDict, profile: EmbedProfile | None) -> embed_display.Display:
    """The look ``query`` asks for, within what the profile fixes, and the host
    page a profile's embed links to."""
    if profile is None:
        return embed_display.display_options(query)
    return embed_display.display_options(
        query,
        profile.accent_digits,
        profile.theme,
        profile.hidden,
        default_layout=profile.layout,
        # On its allowed sites, or anywhere when it lists none (NO_SITE is no origin).
        host_origins=profile.origins,
    )


def hosts_short_links(profile: EmbedProfile) -> bool:
    """Whether short links made in the profile's embed open its host page.

    A short link is an address of this site that redirects: made for any host,
    it would be an open redirect for anyone who signs up. So only for a host on
    the profile's own listed sites (checked by display_of), or for a profile
    the site's staff have approved."""
    return profile.approved or bool(profile.origins)


def _fresh_lead(
    request: HttpRequest, profile: EmbedProfile | None, lead_form: LeadFormMaker | None
) -> Any:
    """The lead form a profile that captures leads shows under a new result."""
    if profile is None or not profile.lead_capture or lead_form is None:
        return None
    return lead_form(profile, display_of(request.GET, profile))


def render_embed(
    request: HttpRequest,
    profile: EmbedProfile | None,
    query: QueryDict | None = None,
    lead: Any = None,
) -> HttpResponse:
    """The embed for ``query`` (the request's by default), with ``lead``, the
    state of the lead form the template shows under the figures, if any."""
    query = request.GET if query is None else query
    display = display_of(query, profile)
    action = reverse("embed-profile", args=[profile.slug]) if profile else reverse("embed")
    if profile is not None and display.host:
        # Every link to the result opens it on the host page (links.share_context).
        request.on_host = links.OnHost(host=display.host, short_api=_short_api(profile, display))
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
    if lead is not None:
        extra["lead"] = lead
    return render_calculator(request, prefill(profile, query), "calculator/embed.html", extra)


def _short_api(profile: EmbedProfile, display: embed_display.Display) -> str:
    """Where the share panel asks for a short link: the embed's own, which opens
    the host page, when the profile may have those; else the API's."""
    if not hosts_short_links(profile):
        return ""  # links.share_context keeps the API's
    return reverse("embed-link", args=[profile.slug]) + "?" + urlencode({"host": display.host})


def _language_pair(request: HttpRequest, profile: EmbedProfile | None) -> list[tuple[str, str]]:
    language = translation.get_language()
    fixed = profile is not None and locale.valid(profile.language)
    if fixed or language == locale.DEFAULT:
        return []
    return [(locale.CHOSEN, language)]


def _count_request(request: HttpRequest, profile: EmbedProfile, response: HttpResponse) -> None:
    """A view or a calculation of the profile's embed, a cache's revalidation of
    one included; the site's own previews of it count as neither."""
    if request.method != "GET" or _own_preview(request):
        return
    if not request.htmx:
        if _first_view(request, profile):
            _count(profile, "views")
    elif response.get("HX-Reswap") != "none":  # an invalid input calculates nothing
        _count(profile, "calculations")


def _first_view(request: HttpRequest, profile: EmbedProfile) -> bool:
    """False for the loader's reload of a view just counted.

    A frame often starts loading before the loader runs; the loader then adds
    ``host`` to its address, and the frame loads again. The first load marks
    the visitor (address and browser, hashed) in the shared cache for a short
    while; a load with ``host`` that finds the mark takes it and is the same
    view. A page without the loader loads once, without ``host``; a loader
    that runs first loads once, with it."""
    visitor = f"{client_address(request)}|{request.headers.get('User-Agent', '')}"
    key = f"embed-view:{profile.pk}:{hashlib.sha256(visitor.encode()).hexdigest()[:32]}"
    try:
        if "host" not in request.GET:
            cache.set(key, 1, RELOAD_SECONDS)
            return True
        return not cache.delete(key)
    except Exception:  # any cache backend's failure: the view is counted, the page served
        logger.exception("embed view of %s not paired with its reload", profile.slug)
        return True


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
    digits = embed_display.parse_accent(request.GET.get("accent"))
    if digits is None:
        return HttpResponse(
            "/* accent must be a hex colour such as 0b57b8 */\n",
            status=400,
            content_type="text/css; charset=utf-8",
        )
    response = HttpResponse(embed_display.theme_css(digits), content_type="text/css; charset=utf-8")
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


@csrf_exempt  # cookie-free JSON, like the API's short links
@cookie_free
@require_http_methods(["POST", "OPTIONS"])
def embed_link(request: HttpRequest, slug: str) -> HttpResponse:
    """The short link of a result shown in a profile's embed on a host page: it
    opens the result on that page. The body is the API's ({"query": ...}); the
    host comes in the address, read by the display form as the embed reads it.
    The API's hourly limit of new short links per client applies."""
    profile = get_object_or_404(EmbedProfile, slug=slug)
    if request.method == "OPTIONS":
        return readable_by_any_site(_preflight_post())
    display = display_of(request.GET, profile)
    if not display.host or not hosts_short_links(profile):
        return _link_error("host", gettext("This embed makes no short links for its host page."))
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        body = None
    text = body.get("query") if isinstance(body, dict) else None
    if not isinstance(text, str) or len(text) > MAX_QUERY:
        return _link_error("query", gettext("query is missing or not a string."))
    form = CalculatorForm(QueryDict(text.strip().removeprefix("?")))
    if not form.is_valid():
        errors = {name: list(messages) for name, messages in form.errors.items()}
        return readable_by_any_site(JsonResponse({"errors": errors}, status=400))
    stored = links.hosted_query(form.canonical_query(), display.host)
    if len(stored) > MAX_QUERY:
        return _link_error("host", gettext("The host page's address is too long for a short link."))
    link = ShortLink.find(stored)
    if link is None:
        wait = over_limit(
            f"links:{client_address(request)}", settings.SHORT_LINKS_PER_HOUR, LINK_WINDOW
        )
        if wait is not None:
            response = _link_error(
                "rate_limit", gettext("Too many new short links; try again later."), 429
            )
            response["Retry-After"] = str(wait)
            return response
        link, _created = ShortLink.create_for(stored, form.version)
    url = request.build_absolute_uri(reverse("short-link", args=[link.code]))
    response = JsonResponse({"url": url, "code": link.code})
    response["Cache-Control"] = "no-store"
    return readable_by_any_site(response)


LINK_WINDOW = 3600  # seconds: the API's window of SHORT_LINKS_PER_HOUR


def _link_error(key: str, message: str, status: int = 400) -> HttpResponse:
    return readable_by_any_site(JsonResponse({"errors": {key: [message]}}, status=status))


def _preflight_post() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Accept, Content-Type"
    response["Access-Control-Max-Age"] = "86400"
    return response
