"""GET /healthz for load balancers: 200 when this server can do its work, else 503."""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from calculator.models import RateCounter

logger = logging.getLogger(__name__)

PROBE_KEY = "healthz:probe"


class Rollback(Exception):
    """Raised to undo the probe's writes once they have succeeded."""


def check() -> None:
    """Writes what the site writes (a counter row, a cache entry), then rolls back.

    A database that answers reads but refuses writes (a read-only file, a
    replica after failover, a full disk) fails here, as it would fail the
    first short link or admin sign-in. Raises on any failure.
    """
    try:
        with transaction.atomic():
            # A key of its own, so that concurrent probes never wait for each other.
            RateCounter.objects.create(key=f"{PROBE_KEY}:{uuid.uuid4()}", count=0, ends=0)
            cache.set(PROBE_KEY, "ok", 60)
            if cache.get(PROBE_KEY) != "ok":
                raise RuntimeError("the cache did not keep a value")
            raise Rollback
    except Rollback:
        pass
    # A read after the rollback: the connection is usable, not left mid-transaction.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


@never_cache
@require_http_methods(["GET", "HEAD"])
def healthz(request: HttpRequest) -> JsonResponse:
    """The database takes a write (rolled back) and the cache answers.

    The reason for a failure goes to the log, never to the caller: the
    endpoint is public and exceptions name hosts, users and tables.
    """
    try:
        check()
    except Exception:
        logger.exception("health check failed")
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
