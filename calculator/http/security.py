"""Security headers that Django does not set itself, and the embed opt-out.

Django's own middleware already sends Content-Security-Policy (SECURE_CSP),
X-Frame-Options, Referrer-Policy, X-Content-Type-Options and
Cross-Origin-Opener-Policy. This module adds Permissions-Policy and gives the
embed views one decorator to allow framing, so no view has to remember both
headers that forbid it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from django.conf import settings
from django.http import HttpRequest, HttpResponse


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
