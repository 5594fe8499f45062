"""HTTP caching for responses that are a pure function of their URL.

The calculator page, the embed, a result and the API answer the same bytes
for the same URL, so browsers and a shared cache (nginx, a CDN) may keep them
for a few minutes, and a client that has them already gets a bodiless 304.
Repeats are served by those caches; the app renders every request it gets.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from functools import wraps

from django.http import HttpRequest, HttpResponseBase
from django.middleware.csp import get_nonce
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

logger = logging.getLogger(__name__)

# Kept short: a new model version or page release reaches everyone within it.
DEFAULT_MAX_AGE = 300


def per_visitor(request: HttpRequest, response: HttpResponseBase) -> bool:
    """True when the response holds or depends on something of this visitor's.

    A CSRF token, a CSP nonce, a cookie or a session read would be handed to
    other visitors by a shared cache, and would change the ETag every time.
    """
    session = getattr(request, "session", None)
    return bool(
        request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or get_nonce(request)  # false until a template has used it
        or response.cookies
        or (session is not None and session.accessed)
    )


def etag_of(content: bytes) -> str:
    """A strong ETag: the same bytes, and only they, give the same tag."""
    return '"' + hashlib.sha256(content).hexdigest()[:40] + '"'


def cacheable(max_age: int = DEFAULT_MAX_AGE, vary: Iterable[str] = ()) -> Callable:
    """Public caching for ``max_age`` seconds, an ETag and 304s for a GET view.

    ``vary`` names request headers that change the response (e.g. HX-Request,
    for which the page answers a partial). Only 200 answers to GET and HEAD
    are cached; a response with anything per-visitor in it is marked private
    instead, so a template change cannot leak a CSRF token through a CDN.

    The ETag is the body's, before compression: GZipMiddleware turns it weak
    on a gzipped body, and Django compares If-None-Match weakly, so either
    form of the tag revalidates.
    """
    vary = list(vary)

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            response = view(request, *args, **kwargs)
            if vary:
                patch_vary_headers(response, vary)
            if (
                request.method not in ("GET", "HEAD")
                or response.status_code != 200
                or response.streaming
            ):
                return response
            if per_visitor(request, response):
                logger.warning("not cacheable: per-visitor content on %s", request.path[:200])
                patch_cache_control(response, private=True, no_cache=True)
                return response
            patch_cache_control(response, public=True, max_age=max_age)
            response["ETag"] = etag_of(response.content)
            conditional = get_conditional_response(
                request, etag=response["ETag"], response=response
            )
            if conditional is not response:
                _keep_on_not_modified(response, conditional)
            # A shared cache must never store a cookie: not even the deletion
            # the session middleware sends for a stale session cookie
            # (CookieFreeMiddleware reads the mark).
            conditional.cookie_free = True
            return conditional

        return wrapped

    return decorator


# Headers that browsers merge from a 304 into the copy they keep: an embed's
# 304 must still let other sites frame and read it. (X-Frame-Options is left
# out by the middleware unless the view is @xframe_options_exempt, which the
# embed's views apply outside this decorator, so to the 304 too.)
KEPT_HEADERS = ("access-control-", "cross-origin-resource-policy", "content-security-policy")


def _keep_on_not_modified(full: HttpResponseBase, not_modified: HttpResponseBase) -> None:
    for header, value in full.items():
        if header.lower().startswith(KEPT_HEADERS):
            not_modified[header] = value
