"""The site's answers for 400, 403, 404 and 500, in the form each part of the site needs.

- Under /api/: JSON in the API's error shape with CORS, so that a page on
  another site can read the failure instead of meeting a CORS error.
- Under the embed: a small page in the site's look that may be framed and
  sets no cookie, with a link back to the calculator inside the frame.
- Elsewhere: a page of the site, with its header and a way back.

The 500 page renders without a request context: whatever failed (the
database, a context processor) must not fail it again. So does the 400 page
for a Host header outside ALLOWED_HOSTS: the context's absolute addresses
(the page in other languages) would be built from that host and raise again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from calculator.http.cors import ANY_ORIGIN, readable_by_any_site
from calculator.http.middleware import EMBED_PATHS
from calculator.http.security import allow_framing

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
API_CORS = {
    **ANY_ORIGIN,
    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
}

# In the request's language: a page's from its address, the API's from Accept-Language.
MESSAGES = {
    400: (_("Bad request"), _("The request could not be understood.")),
    403: (_("Forbidden"), _("This address is not open to you.")),
    404: (
        _("Page not found"),
        _("There is nothing at this address. A link may be mistyped or cut short."),
    ),
    405: (_("Method not allowed"), _("This address does not answer that method.")),
    500: (
        _("Something went wrong"),
        _("The server failed to answer. Please try again in a minute."),
    ),
}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def is_embed(request: HttpRequest) -> bool:
    return request.path.startswith(EMBED_PATHS) and request.path != "/embed/builder/"


def api_error(status: int, message: str | None = None) -> JsonResponse:
    """{"errors": {"request": [...]}} (or "server" for 5xx), readable from any origin."""
    field = "server" if status >= 500 else "request"
    text = message or MESSAGES.get(status, MESSAGES[400])[1]
    response = JsonResponse({"errors": {field: [text]}}, status=status)
    for header, value in API_CORS.items():
        response[header] = value
    return response


def error_page(request: HttpRequest, status: int, use_context: bool = True) -> HttpResponse:
    title, message = MESSAGES[status]
    embed = is_embed(request)
    context = {"status": status, "title": title, "message": message, "in_embed": embed}
    template = loader.get_template("error.html")
    body = template.render(context, request if use_context else None)
    response = HttpResponse(body, status=status)
    if embed:
        frameable(response)
    return response


def frameable(response: HttpResponse) -> None:
    """An embed's error may show inside any site's frame, with no cookie."""
    response.xframe_options_exempt = True  # as @xframe_options_exempt marks a view's
    response.cookie_free = True
    allow_framing(response, [])
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    readable_by_any_site(response)


def _handler(status: int) -> Callable[..., HttpResponse]:
    def handler(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
        if is_api(request):
            return api_error(status)
        return error_page(request, status)

    handler.__name__ = f"handler{status}"
    return handler


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return api_error(400)
    # Scanners send foreign Host headers all the time: a plain 400, no address built from one.
    return error_page(request, 400, use_context=not isinstance(exception, DisallowedHost))


permission_denied = _handler(403)
page_not_found = _handler(404)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return api_error(500)
    try:
        return error_page(request, 500, use_context=False)
    except Exception:  # the error page itself failed: plain words, never a second traceback
        logger.exception("the 500 page failed to render")
        return HttpResponse(
            "Something went wrong. Please try again in a minute.\n",  # no catalog: it failed
            status=500,
            content_type="text/plain; charset=utf-8",
        )


class ApiErrorMiddleware:
    """Every /api/ answer is JSON with CORS, whatever produced it.

    Views answer JSON themselves; this catches what Django answers for them
    (405 from a method check, 404 from the resolver, 403 from CSRF) and
    anything raised, so that a page on another site can read each failure.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_api(request):
            return response
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            message = None
            if response.status_code == 405 and "Allow" in response:
                message = gettext("This address answers %(methods)s only.") % {
                    "methods": response["Allow"]
                }
            replacement = api_error(response.status_code, message)
            for kept in ("Allow", "Retry-After"):
                if kept in response:
                    replacement[kept] = response[kept]
            response = replacement
        return readable_by_any_site(response)
