"""Gzip for text, never for images that are compressed already; a rendered
answer that is kept for reuse keeps its gzipped body too."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware as DjangoGZipMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.regex_helper import _lazy_re_compile
from django.utils.text import compress_string

# Django's own test of Accept-Encoding (django.middleware.gzip).
ACCEPTS_GZIP = _lazy_re_compile(r"\bgzip\b")
# Shorter bodies are not worth compressing (Django's threshold).
SHORTEST = 200


def compressed_already(content_type: str) -> bool:
    """PNG, JPEG, WebP, GIF and the like: gzip gains nothing on them and would turn a
    strong ETag into a weak one. SVG is text and still gains."""
    kind = content_type.split(";")[0].strip().lower()
    return kind.startswith(("image/", "audio/", "video/", "font/woff")) and kind != "image/svg+xml"


class KeptGzip(NamedTuple):
    """A kept answer's gzipped body, and the length of the body it was made
    from (which tells that nothing rewrote the body since)."""

    length: int
    body: bytes


def accepts_gzip(request: HttpRequest) -> bool:
    return bool(ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def gzipped(content: bytes, headers: Iterable[tuple[str, str]]) -> bytes | None:
    """``content`` gzipped, as the middleware would send it; None when it would
    send it as it is (short, encoded or compressed already, or no shorter).

    Without BREACH's random padding: a kept answer is sent to many visitors
    and holds no secret (nothing per visitor is ever kept), so its bytes stay
    the same for every one of them and for the caches in front.
    """
    named = {name.lower(): value for name, value in headers}
    if (
        "content-encoding" in named
        or compressed_already(named.get("content-type", ""))
        or len(content) < SHORTEST
    ):
        return None
    body = compress_string(content, max_random_bytes=0)
    return body if len(body) < len(content) else None


class GZipMiddleware(DjangoGZipMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if compressed_already(response.get("Content-Type", "")):
            return response
        kept = getattr(response, "kept_gzip", None)
        if (
            kept is not None
            and not response.has_header("Content-Encoding")
            and len(response.content) == kept.length
        ):
            return self._send_kept(request, response, kept.body)
        return super().process_response(request, response)

    @staticmethod
    def _send_kept(
        request: HttpRequest, response: HttpResponseBase, body: bytes
    ) -> HttpResponseBase:
        """What Django's middleware does, with the body gzipped beforehand."""
        patch_vary_headers(response, ("Accept-Encoding",))
        if not accepts_gzip(request):
            return response
        response.content = body
        response.headers["Content-Length"] = str(len(body))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):  # the bytes differ now: RFC 9110 8.8.1
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
        return response
