"""What a result looks like when it is shared: its link, title and card."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import roi
from .forms import CalculatorForm

PRODUCT = "CAPI ROI calculator"


def share_context(
    request: HttpRequest, form: CalculatorForm, report: roi.Report | None
) -> dict[str, Any]:
    """The `share` template variable: title, description and the result's link."""
    return {
        "title": f"Does Meta's Conversions API pay? | {PRODUCT}",
        "description": (
            "An honest ROI calculator for Meta's Conversions API: measurement recovery "
            "kept apart from real performance lift, with ranges."
        ),
        "page_url": request.build_absolute_uri(),
    }
