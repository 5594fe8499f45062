"""A fixed-window request counter per client, kept in Django's cache."""

from __future__ import annotations

import time

from django.core.cache import cache


def over_limit(key: str, limit: int, window: int) -> int | None:
    """Count one event for ``key``; seconds to wait if it exceeds ``limit`` per ``window``.

    Returns None while within the limit. Windows are aligned to the clock, so
    a client learns exactly when the next one starts (the Retry-After value).
    """
    now = int(time.time())
    start = now - now % window
    slot = f"ratelimit:{key}:{start}"
    cache.add(slot, 0, timeout=window)
    try:
        count = cache.incr(slot)
    except ValueError:  # the slot expired between add and incr
        cache.set(slot, 1, timeout=window)
        count = 1
    return start + window - now if count > limit else None
