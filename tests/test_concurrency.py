"""The short-link limit is exact under concurrency: one address, many requests at once,
answered by several gunicorn processes, on SQLite, PostgreSQL and Redis.

Each case sets up a new database with `migrate` alone (no createcachetable),
as a deploy does, and runs the README's server command (3 workers x 4 threads).
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from urllib.parse import urlsplit

import pytest

from roi_site.settings import SHORT_LINKS_PER_HOUR

from .servers import HOST, fresh_postgres, gunicorn, manage, site_env

REQUESTS = 2 * SHORT_LINKS_PER_HOUR  # 120: twice the limit, all at once
DATABASE_URL = os.environ.get("DATABASE_URL", "")
# A PostgreSQL server on which the role may create databases.
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL") or (
    DATABASE_URL if urlsplit(DATABASE_URL).scheme in ("postgres", "postgresql") else ""
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


def unavailable(what: str) -> None:
    # CI provides every store; a skip there would hide an untested one.
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not configured in CI")
    pytest.skip(f"{what} is not configured")


def post_link(port: int, spend: int, start: threading.Barrier) -> int:
    import http.client

    body = json.dumps({"query": f"spend={spend}"})
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.connect()
        start.wait()
        connection.request(
            "POST", "/api/v1/links", body=body, headers={"Content-Type": "application/json"}
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def fire(port: int) -> Counter[int]:
    """REQUESTS new links from one address, released together from 40 connections."""
    parallel = 40
    start = threading.Barrier(parallel, timeout=60)
    statuses: Counter[int] = Counter()
    with ThreadPoolExecutor(parallel) as pool:
        # Rounds of 40, each round released at once.
        for round_start in range(0, REQUESTS, parallel):
            spends = range(10_000 + round_start, 10_000 + round_start + parallel)
            statuses.update(pool.map(lambda s: post_link(port, s, start), spends))
    return statuses


@pytest.mark.slow  # three gunicorn processes per store
@pytest.mark.parametrize("store", ["sqlite", "postgresql", "redis"])
def test_the_link_limit_is_exact_across_processes(store, tmp_path):
    with ExitStack() as stack:
        database = f"sqlite:///{tmp_path / 'site.sqlite3'}"
        extra = {}
        if store == "postgresql":
            if not POSTGRES_URL:
                unavailable("PostgreSQL (TEST_POSTGRES_URL or DATABASE_URL)")
            database = stack.enter_context(fresh_postgres(POSTGRES_URL))
        if store == "redis":
            if not REDIS_URL:
                unavailable("Redis (TEST_REDIS_URL)")
            import redis

            redis.Redis.from_url(REDIS_URL).flushdb()
            extra["REDIS_URL"] = REDIS_URL
        env = site_env(database, **extra)
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        port = stack.enter_context(gunicorn(env, tmp_path / "gunicorn.log"))

        statuses = fire(port)

        assert statuses == {201: SHORT_LINKS_PER_HOUR, 429: SHORT_LINKS_PER_HOUR}, (
            tmp_path / "gunicorn.log"
        ).read_text()[-3000:]
        stored = manage(
            env,
            "shell",
            "-c",
            "from calculator.http import ratelimit; from calculator.models import ShortLink; "
            f"print(ShortLink.objects.count(), ratelimit.peek('links:{HOST}').count)",
        )
        assert stored.split()[-2:] == [str(SHORT_LINKS_PER_HOUR), str(REQUESTS)]
