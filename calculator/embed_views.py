"""The embed: the calculator alone, for other sites' iframes, and what serves it.

Every embed response is a GET, sets no cookie (third-party cookies are
blocked in most browsers, and an agency's visitors never agreed to ours) and
may be framed: by any site, or by the sites its profile lists.
"""

from __future__ import annotations

from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_http_methods

from . import embed, roi
from .models import EmbedDailyStat, EmbedProfile
from .views import render_calculator

# Bumped when theme_css() changes, so that a year's cache of one accent's
# stylesheet never outlives its rules.
THEME_VERSION = "1"
THEME_CACHE = "public, max-age=31536000, immutable"
# The loader's address is pasted into other sites and never changes, so it is
# cached briefly: a deploy reaches every host within the hour.
LOADER_CACHE = "public, max-age=3600"
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


@xframe_options_exempt
@cookie_free
@require_http_methods(["GET", "HEAD", "OPTIONS"])
def embed_view(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """The calculator without the site's chrome, in the look the query asks for."""
    profile = get_object_or_404(EmbedProfile, slug=slug) if slug is not None else None
    response = _preflight() if request.method == "OPTIONS" else _render_embed(request, profile)
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = HTMX_RESPONSE_HEADERS
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    logo = urlsplit(profile.logo_url) if profile and profile.logo_url else None
    images = [f"https://{logo.netloc}"] if logo else None
    response._csp_config = frame_policy(profile.origins if profile else [], images)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _render_embed(request: HttpRequest, profile: EmbedProfile | None) -> HttpResponse:
    display = embed.display_options(request.GET, profile.accent_digits if profile else None)
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
        "display_pairs": display.pairs(),
        "hide": display.hide,
        "form_action": action,
        "theme_url": theme_url,
        "profile": profile,
        "embed_cta": cta,
        "show_powered_by": profile.powered_by if profile else True,
        "home_url": request.build_absolute_uri(reverse("calculator")),
        "method_url": request.build_absolute_uri(reverse("method")),
    }
    response = render_calculator(
        request, prefill(profile, request.GET), "calculator/embed.html", extra
    )
    if profile is not None and request.method == "GET":
        if not getattr(request, "htmx", False):
            EmbedDailyStat.count(profile, "views")
        elif response.get("HX-Reswap") != "none":  # an invalid input calculates nothing
            EmbedDailyStat.count(profile, "calculations")
    return response


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
    response["Cache-Control"] = THEME_CACHE
    return response


@cookie_free
@require_http_methods(["GET", "HEAD"])
def embed_js(request: HttpRequest) -> HttpResponse:
    """The loader at its stable address, for snippets pasted into other sites."""
    response = HttpResponse(LOADER.read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = LOADER_CACHE
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Access-Control-Allow-Origin"] = "*"
    return response
