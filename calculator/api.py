"""The JSON API: GET /api/v1/calculate and its OpenAPI description."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import openapi, roi
from .caching import cacheable
from .forms import CalculatorForm

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}


def json_response(body: Any, status: int = 200) -> JsonResponse:
    """Strict JSON (NaN and Infinity refused) that any web page may read."""
    response = JsonResponse(body, status=status, json_dumps_params={"allow_nan": False})
    for header, value in CORS_HEADERS.items():
        response[header] = value
    return response


def errors_body(form: CalculatorForm) -> dict[str, dict[str, list[str]]]:
    return {"errors": {field: list(messages) for field, messages in form.errors.items()}}


# Read-only and cookie-free, so CSRF cannot apply: exempt, other methods get
# the 405 they should instead of the CSRF check's 403.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "OPTIONS"])
@cacheable()
def calculate(request: HttpRequest) -> HttpResponse:
    """MODEL.md's figures for the query's inputs; 400 naming each bad field."""
    if request.method == "OPTIONS":
        return _preflight()
    form = CalculatorForm(request.GET)
    if not form.is_valid():
        return json_response(errors_body(form), status=400)
    report = roi.report(form.inputs(), form.version)
    return json_response(roi.report_to_dict(report))


def _preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    for header, value in CORS_HEADERS.items():
        response[header] = value
    return response


@csrf_exempt
@require_http_methods(["GET", "HEAD"])
def openapi_json(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        json.dumps(openapi.document(), indent=2), content_type="application/json"
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
