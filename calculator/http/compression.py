"""Gzip for text, never for images that are compressed already."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware as DjangoGZipMiddleware


def compressed_already(content_type: str) -> bool:
    """PNG, JPEG, WebP, GIF and the like: gzip gains nothing on them and would
    turn a strong ETag into a weak one. SVG is text and still gains."""
    kind = content_type.split(";")[0].strip().lower()
    return kind.startswith(("image/", "audio/", "video/", "font/woff")) and kind != "image/svg+xml"


class GZipMiddleware(DjangoGZipMiddleware):
    """Django's gzip, which would compress a PNG too whenever a few bytes come off."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if compressed_already(response.get("Content-Type", "")):
            return response
        return super().process_response(request, response)
