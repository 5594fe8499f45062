"""The JSON API: GET /api/v1/calculate and its OpenAPI description."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.urls import reverse
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from calculator import locale, model
from calculator.api import openapi
from calculator.forms import MAX_QUERY, CalculatorForm, ChoiceKeyField
from calculator.http import ratelimit
from calculator.http.caching import cacheable
from calculator.http.cors import ANY_ORIGIN, readable_by_any_site
from calculator.http.throttle import client_address
from calculator.models import ShortLink

CORS_HEADERS = {
    **ANY_ORIGIN,
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}


LINKS_METHODS = "POST, OPTIONS"
RATE_WINDOW = 3600  # seconds; the limit is SHORT_LINKS_PER_HOUR


def json_response(body: Any, status: int = 200, methods: str | None = None) -> JsonResponse:
    """Strict JSON (NaN and Infinity refused) that any web page may read."""
    response = JsonResponse(body, status=status, json_dumps_params={"allow_nan": False})
    for header, value in CORS_HEADERS.items():
        response[header] = value
    if methods:
        response["Access-Control-Allow-Methods"] = methods
    return response


def errors_body(*forms_: forms.Form) -> dict[str, dict[str, list[str]]]:
    return {
        "errors": {
            field: list(messages) for form in forms_ for field, messages in form.errors.items()
        }
    }


COMPARISONS = ("integrations",)


class ComparisonForm(forms.Form):
    """What the answer adds besides the report: `compare=integrations` adds
    every integration's figures for the store (version 3; versions 1 and 2
    ignore it, as they ignore every key they do not read)."""

    compare = ChoiceKeyField(
        label="compare",
        choices=[(name, name) for name in COMPARISONS],
        required=False,
        error_messages={
            "invalid_choice": lazy(
                lambda: gettext("compare must be “integrations”, or empty for none."), str
            )()
        },
    )

    def __init__(self, query: QueryDict):
        values = query.getlist("compare")
        super().__init__(data={"compare": values[0] if len(values) == 1 else values or ""})


def body_of(form: CalculatorForm, compare: str) -> dict[str, Any]:
    """The answer: the report, and with version 3 the comparison asked for."""
    inputs = form.inputs()
    body = model.report_to_dict(model.report(inputs, form.version))
    if compare == "integrations" and form.version == 3:
        rows = model.compare_integrations(inputs, form.cleaned_data["store"])
        body["comparison"] = model.comparison_to_dicts(rows)
    return body


# Read-only and cookie-free, so CSRF cannot apply: exempt, other methods get
# the 405 they should instead of the CSRF check's 403.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "OPTIONS"])
@cacheable()
def calculate(request: HttpRequest) -> HttpResponse:
    """docs/model.md's figures for the query's inputs; 400 naming each bad field."""
    if request.method == "OPTIONS":
        return _preflight()
    form, options = CalculatorForm(request.GET), ComparisonForm(request.GET)
    if not (form.is_valid() & options.is_valid()):  # both, so every bad field is named
        return json_response(errors_body(form, options), status=400)
    return json_response(body_of(form, options.cleaned_data["compare"]))


def _preflight(methods: str | None = None) -> HttpResponse:
    response = HttpResponse(status=204)
    for header, value in CORS_HEADERS.items():
        response[header] = value
    if methods:
        response["Access-Control-Allow-Methods"] = methods
    return response


def _query_error(message: str) -> JsonResponse:
    return json_response({"errors": {"query": [message]}}, status=400, methods=LINKS_METHODS)


def _link_query(request: HttpRequest) -> tuple[str, str]:
    """The query string in the body {"query": "..."} and the language of the page
    the short link should open ({"language": "de"}, or the language of a full
    link's address; English otherwise); ValueError says what is wrong.

    Accepts "spend=50000", "?spend=50000" or a full link to this calculator.
    """
    example = 'send {"query": "spend=50000&consent=40"}'
    try:
        body = json.loads(request.body)
    except RequestDataTooBig:
        raise ValueError(
            gettext("The request body is too large: %(example)s.") % {"example": example}
        ) from None
    except (ValueError, UnicodeDecodeError):
        raise ValueError(
            gettext("The request body is not JSON: %(example)s.") % {"example": example}
        ) from None
    text = body.get("query") if isinstance(body, dict) else None
    if not isinstance(text, str):
        raise ValueError(
            gettext("query is missing or not a string: %(example)s.") % {"example": example}
        )
    if len(text) > MAX_QUERY:  # as sent, so the limit is the documented maxLength
        raise ValueError(
            gettext("query is too long: at most %(max)s characters.") % {"max": MAX_QUERY}
        )
    asked = body.get("language")
    language = locale.valid(asked) if isinstance(asked, str) and asked in locale.CODES else None
    if "language" in body and language is None:
        raise ValueError(
            gettext("language must be one of: %(languages)s.")
            % {"languages": ", ".join(locale.CODES)}
        )
    text = text.strip()
    if text.startswith(("http://", "https://")):
        parts = urlsplit(text)
        of_path = locale.language_of_path(parts.path) or locale.DEFAULT
        with translation.override(of_path):
            calculator = reverse("calculator")
        if parts.netloc != request.get_host() or parts.path != calculator:
            raise ValueError(gettext("query must be a query string or a link to this calculator."))
        text = parts.query
        language = language or of_path
    return text.removeprefix("?"), language or locale.DEFAULT


@csrf_exempt  # a cookie-free JSON API, called from other sites' iframes
@require_http_methods(["POST", "OPTIONS"])
def links(request: HttpRequest) -> HttpResponse:
    """The short link of a result: 201 when new, 200 when it exists already."""
    if request.method == "OPTIONS":
        return _preflight(LINKS_METHODS)
    try:
        text, language = _link_query(request)
        query = QueryDict(text)
    except ValueError as problem:
        return _query_error(str(problem))
    except TooManyFieldsSent:  # DATA_UPLOAD_MAX_NUMBER_FIELDS may be below what fits
        return _query_error(gettext("query has too many fields."))
    form = CalculatorForm(query)
    if not form.is_valid():
        return json_response(errors_body(form), status=400, methods=LINKS_METHODS)
    try:
        link, created = short_link_for(request, form)
    except RateLimited as limited:
        limit = settings.SHORT_LINKS_PER_HOUR
        message = ngettext(
            "At most %(limit)s new short links an hour; try again in %(wait)s second.",
            "At most %(limit)s new short links an hour; try again in %(wait)s seconds.",
            limited.wait,
        ) % {"limit": limit, "wait": limited.wait}
        response = json_response(
            {"errors": {"rate_limit": [message]}}, status=429, methods=LINKS_METHODS
        )
        response["Retry-After"] = str(limited.wait)
        return response
    # One code for every language; the address says which language it opens in.
    with translation.override(language):
        url = request.build_absolute_uri(reverse("short-link", args=[link.code]))
    status = 201 if created else 200
    return json_response({"url": url, "code": link.code}, status=status, methods=LINKS_METHODS)


class RateLimited(Exception):
    def __init__(self, wait: int):
        super().__init__(f"try again in {wait} seconds")
        self.wait = wait


def short_link_for(request: HttpRequest, form: CalculatorForm) -> tuple[ShortLink, bool]:
    """The short link of a valid form's result, and whether it is new.

    Only new links count towards the client's hourly limit: asking again for
    an existing one is free. Raises RateLimited when the limit is reached.
    """
    canonical = form.canonical_query()
    link = ShortLink.find(canonical)
    if link is not None:
        return link, False
    limit = settings.SHORT_LINKS_PER_HOUR
    wait = ratelimit.over_limit(f"links:{client_address(request)}", limit, RATE_WINDOW)
    if wait is not None:
        raise RateLimited(wait)
    return ShortLink.create_for(canonical, form.version)


@csrf_exempt
@cacheable()
@require_http_methods(["GET", "HEAD"])
def openapi_json(request: HttpRequest) -> HttpResponse:
    server = request.build_absolute_uri("/").rstrip("/")
    # The description is the API's, language-neutral: in English whatever the visitor asks.
    with translation.override("en"):
        text = json.dumps(openapi.document(server), indent=2, default=str)
    return readable_by_any_site(HttpResponse(text, content_type="application/json"))
