"""Real servers for tests that need several processes: gunicorn as deployed, and nginx."""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


# The README's command, its settings in roi_site/gunicorn.py.
GUNICORN = [
    sys.executable, "-m", "gunicorn", "-c", "roi_site/gunicorn.py", "roi_site.wsgi:application",
]  # fmt: skip


def free_ports(count: int) -> list[int]:
    """``count`` different ports free now: each probe stays bound until all
    are chosen, so the system cannot hand out one port twice."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind((HOST, 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def free_port() -> int:
    return free_ports(1)[0]


def site_env(database_url: str, **extra: str) -> dict[str, str]:
    """Production settings on plain HTTP, as behind a TLS proxy on one machine."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "REDIS_URL"
    }
    return {
        **clean,
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
        **extra,
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def get(port: int, path: str, headers: dict[str, str] | None = None, method: str = "GET"):
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def wait_until_up(
    port: int, process: subprocess.Popen, log: Path, path: str = "/healthz", status: int = 200
) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped at start-up:\n{log.read_text()}")
        try:
            if get(port, path)[0] == status:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the server did not answer {path} within 30 s:\n{log.read_text()}")


@contextmanager
def gunicorn(env: dict[str, str], log: Path) -> Iterator[int]:
    """The README's gunicorn command on a free port; yields the port."""
    port = free_port()
    command = [*GUNICORN, "--bind", f"{HOST}:{port}"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        wait_until_up(port, process, log)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def fresh_postgres(url: str) -> Iterator[str]:
    """A new, empty database on the server ``url`` names, dropped afterwards."""
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_procs_{secrets.token_hex(4)}"
    admin = psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True)
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield parts._replace(path=f"/{name}").geturl()
        finally:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        admin.close()
