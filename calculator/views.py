"""Views: thin, they bind the form, ask the model, and render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import roi
from .forms import CalculatorForm


@require_GET
def calculator(request: HttpRequest) -> HttpResponse:
    form = CalculatorForm(request.GET)
    report = roi.report(form.inputs(), form.version) if form.is_valid() else None
    return render(request, "calculator/page.html", {"form": form, "report": report})
