"""GET /healthz for load balancers: 200 when this server can do its work, else 503."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from calculator.http.database import close_connections
from calculator.models import Heartbeat

logger = logging.getLogger(__name__)

# How long the probe waits for a database lock. The site's own writes wait
# longer (the connection's timeout); a probe that waited as long would tell
# the load balancer nothing before its own deadline ran out.
PROBE_TIMEOUT_MS = 1000
# A thread's heartbeat row outlives the thread (a restart, a new process) by this much.
STALE = timedelta(days=1)


def heartbeat_key() -> str:
    """This thread's row: host, process and thread, so no two probes share one."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_native_id()}"


def check() -> None:
    """Commits a write as the site's writes commit (this thread's heartbeat row),
    then stores and reads back a cache entry. Raises on any failure.

    A database that answers reads but refuses writes (a read-only or immutable
    file, a replica after failover, a full disk) fails here, as it would fail
    the first short link or lead: a write that is rolled back never reaches
    the file, so only a commit tells. A database locked by another writer
    fails within PROBE_TIMEOUT_MS.
    """
    key = heartbeat_key()
    now = timezone.now()
    with short_lock_wait():
        Heartbeat.objects.bulk_create(
            [Heartbeat(key=key, beat=now)],
            update_conflicts=True,
            unique_fields=["key"],
            update_fields=["beat"],
        )
        Heartbeat.objects.filter(beat__lt=now - STALE).delete()
    probe = f"healthz:{key}"
    cache.set(probe, now.isoformat(), 60)
    if cache.get(probe) != now.isoformat():
        raise RuntimeError("the cache did not keep a value")


@contextmanager
def short_lock_wait() -> Iterator[None]:
    """The statements inside give up on a lock after PROBE_TIMEOUT_MS and commit at the end.

    SQLite: the connection's busy timeout, set for the probe and put back after
    (the statements commit one by one). PostgreSQL: timeouts local to one
    transaction, which commits when the block ends.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            (site_timeout,) = cursor.fetchone()
            cursor.execute(f"PRAGMA busy_timeout = {PROBE_TIMEOUT_MS:d}")
            try:
                yield
            finally:
                cursor.execute(f"PRAGMA busy_timeout = {int(site_timeout):d}")
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            for setting in ("lock_timeout", "statement_timeout"):
                cursor.execute("SELECT set_config(%s, %s, true)", [setting, str(PROBE_TIMEOUT_MS)])
        yield


@never_cache
@require_http_methods(["GET", "HEAD"])
def healthz(request: HttpRequest) -> JsonResponse:
    """The database commits a write and the cache answers.

    The reason for a failure goes to the log, never to the caller: the
    endpoint is public and exceptions name hosts, users and tables.
    """
    try:
        check()
    except Exception as error:
        logger.exception("health check failed")
        if isinstance(error, DatabaseError):
            close_connections()  # the next probe tells whether a fresh one would do
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
