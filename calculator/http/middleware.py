"""Middleware of the calculator app."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

EMBED_PATHS = ("/embed/", "/embed.js")


class CookieFreeMiddleware:
    """Removes every cookie from a response marked ``cookie_free``, and from
    every answer under the embed's paths (a 404 for an unknown profile too).

    It sits outside the session, CSRF and messages middleware, so it sees
    their cookies too: an embed answers visitors of other sites, whose
    browsers would refuse a third-party cookie and who never agreed to one;
    a stale session cookie sent to a first-party embed must not be answered
    with a deletion either.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(response, "cookie_free", False) or request.path.startswith(EMBED_PATHS):
            response.cookies.clear()
        return response
