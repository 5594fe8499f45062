"""Security headers that Django does not set itself, and the embed's framing policy.

Django's own middleware already sends Content-Security-Policy (SECURE_CSP),
X-Frame-Options, Referrer-Policy, X-Content-Type-Options and
Cross-Origin-Opener-Policy. This module adds Permissions-Policy and writes
the CSP of a response that other sites may frame.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.csp import build_policy


def permissions_policy(features: Mapping[str, Iterable[str]]) -> str:
    """{"camera": []} becomes 'camera=()'; {"fullscreen": ["self"]} 'fullscreen=(self)'."""
    return ", ".join(f"{name}=({' '.join(origins)})" for name, origins in features.items())


class PermissionsPolicyMiddleware:
    """Sends settings.PERMISSIONS_POLICY unless the view set its own header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.header = permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


def frame_policy(origins: list[str], images: list[str] | None = None) -> dict[str, list[str]]:
    """The site's CSP with framing opened to ``origins`` (any site when empty)."""
    policy = {key: list(values) for key, values in settings.SECURE_CSP.items()}
    policy["frame-ancestors"] = list(origins) or ["*"]
    if images:
        policy["img-src"] = [*policy.get("img-src", []), *images]
    return policy


def allow_framing(
    response: HttpResponseBase, origins: list[str], images: list[str] | None = None
) -> None:
    """Writes frame_policy() as the response's Content-Security-Policy header.

    A header the view sets is one Django's CSP middleware leaves as it is, and
    one that a 304 can carry (calculator/http/caching.py). No nonce: a page
    that others frame is cached publicly, so it never has one. X-Frame-Options
    is the caller's: @xframe_options_exempt on a view.
    """
    response["Content-Security-Policy"] = build_policy(frame_policy(origins, images))
