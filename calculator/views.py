"""Views: thin, they bind the form, ask the model, and render."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from . import presentation, roi, sharing
from .forms import CalculatorForm


def _field_groups(
    form: CalculatorForm, groups: list[tuple[str, list[str]]], currency: str
) -> list[Any]:
    return [(legend, presentation.field_views(form, names, currency)) for legend, names in groups]


def calculator_context(request: HttpRequest, query: Mapping[str, Any]) -> dict[str, Any]:
    """Form, report and everything the page shows for ``query``."""
    form = CalculatorForm(query)
    report = roi.report(form.inputs(), form.version) if form.is_valid() else None
    advanced = {name for _, names in presentation.ADVANCED_GROUPS for name in names}
    currency = form.cleaned_data.get("currency") or roi.DEFAULTS.currency
    context: dict[str, Any] = {
        "form": form,
        "report": report,
        "share": sharing.share_context(request, form, report),
        "groups": _field_groups(form, presentation.GROUPS, currency),
        "advanced_groups": _field_groups(form, presentation.ADVANCED_GROUPS, currency),
        "advanced_open": bool(advanced & set(form.errors)),
        "presets": presentation.preset_links(),
    }
    if report is not None:
        context["query"] = form.canonical_query()
        context.update(presentation.results_context(report))
    return context


def render_calculator(
    request: HttpRequest, query: Mapping[str, Any], template: str = "calculator/page.html"
) -> HttpResponse:
    """The calculator for ``query``: the whole page, or for htmx only its results.

    An invalid htmx request swaps nothing but the field messages, so the last
    valid results stay on screen, marked as such.
    """
    context = calculator_context(request, query)
    if not getattr(request, "htmx", False):
        return render(request, template, context)
    response = render(request, f"{template}#results", context)
    if context["report"] is None:
        response["HX-Reswap"] = "none"
        response["HX-Replace-Url"] = "false"
    return response


@require_GET
def calculator(request: HttpRequest) -> HttpResponse:
    response = render_calculator(request, request.GET)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def method(request: HttpRequest) -> HttpResponse:
    return render(request, "calculator/method.html", {"recovery": roi.RECOVERY_V1})


@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    """The inputs and the monthly cash flows of a result, as a spreadsheet."""
    form = CalculatorForm(request.GET)
    if not form.is_valid():
        message = "\n".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    inputs, version = form.inputs(), form.version
    results = roi.report(inputs, version).results
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="capi-roi.csv"'
    writer = csv.writer(response)
    writer.writerow(["input", "value"])
    writer.writerows([*roi.canonical_pairs(inputs), ("v", version)])
    writer.writerow([])
    writer.writerow(["month", "ramp_weight", "cash_flow", "cumulative"])
    weights = [0.0, *roi.ramp_weights(inputs.ramp, inputs.months)]
    for month, (flow, total) in enumerate(zip(results.cash_flows, results.cumulative, strict=True)):
        writer.writerow([month, weights[month], f"{flow:.2f}", f"{total:.2f}"])
    return response


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Disallow: /api/", "Disallow: /admin/", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain")
