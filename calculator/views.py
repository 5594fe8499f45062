"""Views: thin, they bind the form, ask the model, and render."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import roi, sharing
from .caching import cacheable
from .forms import CalculatorForm


def render_calculator(
    request: HttpRequest, query: Mapping[str, Any], template: str = "calculator/page.html"
) -> HttpResponse:
    """The calculator for ``query`` (a QueryDict): the page, or its results partial."""
    form = CalculatorForm(query)
    report = roi.report(form.inputs(), form.version) if form.is_valid() else None
    context = {
        "form": form,
        "report": report,
        "share": sharing.share_context(request, form, report),
    }
    return render(request, template, context)


# The htmx request gets the results partial: caches must tell it apart.
@cacheable(vary=["HX-Request"])
@require_GET
def calculator(request: HttpRequest) -> HttpResponse:
    return render_calculator(request, request.GET)
