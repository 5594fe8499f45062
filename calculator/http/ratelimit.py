"""Counters for limits: events per key in a fixed window, exact across processes and servers.

A window begins with the first event for a key and ends ``window`` seconds
later, whatever happens in between: later events never extend it, so a
client told to retry in N seconds is let through N seconds later.

Counts are atomic increments in one shared store, never a read followed by
a write, so concurrent requests on any number of servers each count once:

- Redis, when the default cache is Django's RedisCache (INCR on a key that
  expires with its window);
- otherwise the database: one row per key, incremented by a single
  ``INSERT ... ON CONFLICT DO UPDATE`` (SQLite and PostgreSQL alike).

Servers should keep their clocks in step (NTP): a window's end is a time.
"""

from __future__ import annotations

import hashlib
import math
import random
import time
from dataclasses import dataclass

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection

# The clock every window is measured by; tests move it.
clock = time.time

# Expired rows are deleted now and then by the request that starts a window.
PURGE_CHANCE = 0.01


@dataclass(frozen=True)
class Window:
    """A key's current window: events counted in it, and when it ends (Unix time)."""

    count: int
    ends: float

    def seconds_left(self, now: float | None = None) -> int:
        """Whole seconds until the window ends, rounded up: the Retry-After value."""
        return max(1, math.ceil(self.ends - (clock() if now is None else now)))


MAX_KEY = 200  # RateCounter.key's length


def _short(key: str) -> str:
    """The key as stored: a long one (an address from a header, say) by its digest."""
    if len(key) <= MAX_KEY:
        return key
    return f"{key[:100]}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"


def hit(key: str, window: int) -> Window:
    """Counts one event for ``key``; a new window of ``window`` seconds starts when
    none is running. Answers the window with this event counted."""
    key = _short(key)
    now = clock()
    store = _redis()
    if store is not None:
        return _redis_hit(store, key, window, now)
    return _database_hit(key, window, now)


def peek(key: str) -> Window | None:
    """The running window of ``key`` without counting anything, or None."""
    key = _short(key)
    now = clock()
    store = _redis()
    if store is not None:
        ends = store.get(_ends_key(key))
        count = store.get(_slot_key(key, ends)) if ends is not None else None
        return Window(int(count), ends) if count and ends > now else None
    from calculator.models import RateCounter

    row = RateCounter.objects.filter(key=key, ends__gt=now).first()
    return Window(row.count, row.ends) if row else None


def reset(key: str) -> None:
    """Forgets the key's window, as if no event had been counted."""
    key = _short(key)
    store = _redis()
    if store is not None:
        store.delete(_ends_key(key))
        return
    from calculator.models import RateCounter

    RateCounter.objects.filter(key=key).delete()


def over_limit(key: str, limit: int, window: int) -> int | None:
    """Count one event for ``key``; seconds to wait if it exceeds ``limit`` per ``window``.

    Returns None while within the limit, else the seconds until the window
    ends, after which the next event is allowed (the Retry-After value).
    """
    now = clock()
    counted = hit(key, window)
    return counted.seconds_left(now) if counted.count > limit else None


# Redis: Django's cache API, whose add() is SET NX and incr() is INCR.


def _redis() -> RedisCache | None:
    cache = caches["default"]
    return cache if isinstance(cache, RedisCache) else None


def _ends_key(key: str) -> str:
    return f"ratelimit:{key}:ends"


def _slot_key(key: str, ends: float) -> str:
    return f"ratelimit:{key}:{ends!r}"


def _redis_hit(cache: RedisCache, key: str, window: int, now: float) -> Window:
    # The first event's add() fixes the window's end for every server; the
    # count lives in a key named after that end, so a new window is a new key.
    for _ in range(10):
        cache.add(_ends_key(key), now + window, timeout=window)
        ends = cache.get(_ends_key(key))
        if ends is None:  # expired between add() and get(): a new window
            continue
        slot = _slot_key(key, ends)
        left = max(1, math.ceil(ends - now))
        cache.add(slot, 0, timeout=left)
        try:
            count = cache.incr(slot)
        except ValueError:  # expired between add() and incr()
            continue
        if count == 1:
            # INCR on a key that expired a moment before makes one with no
            # expiry: give the window's key its end in any case.
            cache.touch(slot, left)
        return Window(count, ends)
    raise RuntimeError(f"rate counter {key!r} could not be incremented")


# The database: one atomic upsert per event.

UPSERT = """
INSERT INTO {table} ({key}, {count}, {ends}) VALUES (%s, 1, %s)
ON CONFLICT ({key}) DO UPDATE SET
    {count} = CASE WHEN {table}.{ends} <= %s THEN 1 ELSE {table}.{count} + 1 END,
    {ends} = CASE WHEN {table}.{ends} <= %s THEN excluded.{ends} ELSE {table}.{ends} END
RETURNING {count}, {ends}
"""


def _database_hit(key: str, window: int, now: float) -> Window:
    from calculator.models import RateCounter

    quote = connection.ops.quote_name
    sql = UPSERT.format(
        table=quote(RateCounter._meta.db_table),
        key=quote("key"),
        count=quote("count"),
        ends=quote("ends"),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, now + window, now, now])
        count, ends = cursor.fetchone()
    if count == 1 and random.random() < PURGE_CHANCE:
        RateCounter.objects.filter(ends__lte=now).delete()
    return Window(count, ends)
