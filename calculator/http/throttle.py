"""Failed admin sign-ins, counted per client address and per username.

After too many failures in a window, the login answers 429 without checking
the password, so guessing costs the attacker the whole window. The window
starts at the first failure and ends when it says, however many follow. The
counters are calculator.http.ratelimit's atomic ones (the database, or Redis when
it is the default cache), so every app server behind the load balancer sees
the same counts.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from calculator.http import ratelimit

logger = logging.getLogger(__name__)

MAX_USERNAME = 150


def client_address(request: HttpRequest) -> str:
    """The visitor's address, trusting exactly settings.PROXY_COUNT proxies.

    Each trusted proxy appends the address it saw to X-Forwarded-For, so the
    visitor is the PROXY_COUNT-th entry from the right; anything to its left
    was written by the client and may be forged.
    """
    hops = settings.PROXY_COUNT
    if hops:
        forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= hops:
            return forwarded[-hops][:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def _key(kind: str, value: str) -> str:
    # Hashed: usernames are visitor text, and cache keys must stay short and plain.
    digest = hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:32]
    return f"login-failures:{kind}:{digest}"


class LoginThrottle:
    def __init__(self) -> None:
        config = settings.LOGIN_THROTTLE
        self.window = config["window_seconds"]
        self.limits = {
            "address": config["failures_per_address"],
            "username": config["failures_per_username"],
        }

    def keys(self, request: HttpRequest) -> dict[str, str]:
        username = str(request.POST.get("username", ""))[:MAX_USERNAME].strip().lower()
        return {
            "address": _key("address", client_address(request)),
            "username": _key("username", username),
        }

    def blocked(self, keys: dict[str, str]) -> int | None:
        """Seconds until the sign-in may be tried again, or None when it may now."""
        waits = []
        for kind, limit in self.limits.items():
            window = ratelimit.peek(keys[kind])
            if window is not None and window.count >= limit:
                waits.append(window.seconds_left())
        return max(waits) if waits else None

    def fail(self, keys: dict[str, str]) -> None:
        for key in keys.values():
            ratelimit.hit(key, self.window)

    def succeed(self, keys: dict[str, str]) -> None:
        # The address keeps its count: one valid account must not reset it.
        ratelimit.reset(keys["username"])

    def refusal(self, wait: int | None = None) -> HttpResponse:
        wait = self.window if wait is None else wait
        minutes = max(1, math.ceil(wait / 60))
        response = HttpResponse(
            "Too many failed sign-in attempts from this address or for this user. "
            f"Try again in {minutes} minute{'s' if minutes != 1 else ''}.\n",
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(wait)
        return response


def throttle_logins(login_view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wraps a login view whose success is a redirect and failure is the form again."""

    @wraps(login_view)
    def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "POST":
            return login_view(request, *args, **kwargs)
        throttle = LoginThrottle()
        keys = throttle.keys(request)
        wait = throttle.blocked(keys)
        if wait is not None:
            logger.warning("admin login throttled")
            return throttle.refusal(wait)
        response = login_view(request, *args, **kwargs)
        if response.status_code in (301, 302, 303):
            throttle.succeed(keys)
        elif response.status_code == 200:
            throttle.fail(keys)
        return response

    return view
