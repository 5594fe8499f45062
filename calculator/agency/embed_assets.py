"""An uploaded logo, served from the database at a versioned address."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_http_methods

from calculator.embeds.views import cookie_free
from calculator.models import EmbedProfile


@cookie_free
@require_http_methods(["GET", "HEAD"])
def logo(request: HttpRequest, slug: str, dark: bool = False) -> HttpResponse:
    """The profile's uploaded logo, or with ``dark`` its logo for dark backgrounds."""
    profile = get_object_or_404(EmbedProfile, slug=slug)
    png, digest = (
        (profile.logo_dark_png, profile.logo_dark_digest)
        if dark
        else (profile.logo_png, profile.logo_digest)
    )
    if not digest:
        raise Http404("This profile has no such uploaded logo.")
    response = HttpResponse(bytes(png), content_type="image/png")
    # The address carries the image's digest (?v=), so a new logo is a new address.
    if request.GET.get("v") == digest:
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response["Cache-Control"] = "public, max-age=300"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
