"""Load figures: scripts/load [--requests N] [--seconds S] [--nginx] [--port P]

Starts gunicorn on 127.0.0.1 with production settings (debug off, plain HTTP,
a throwaway secret key, static files collected, a throwaway SQLite database
unless DATABASE_URL names one), then for each route sends at most N requests,
for at most S seconds, from 32 keep-alive connections, and prints requests/s,
p50 and p99 latency and the count of non-2xx answers. Each route is compared
with a static file of about the same size served by the same server, which
is the cheapest thing the stack can answer: the ratio shows what the Django
view itself costs. The same URL again and again (the hot path) should reach
half the static file's rate with --nginx, whose cache answers repeats (gunicorn
alone renders every request); the embed and the API with a new query on every
request (the cold path, "new") a fifth. The load generator shares the
machine's cores with the server, so the figures are a floor, not a capacity plan.

With --nginx the same routes go through deploy/nginx.conf (TLS with a throwaway
certificate, its shared cache) in front of the same gunicorn, as in production.
--port P puts gunicorn on P and nginx on P+1 (HTTPS) and P+2 (HTTP); by default
free ports are taken.
"""

from __future__ import annotations

import argparse
import getpass
import http.client
import itertools
import json
import os
import runpy
import secrets
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CONCURRENCY = 32
# CPU-bound work on a small machine: one process per core plus one, each with
# a few threads so idle keep-alive connections do not hold a process.
WORKERS = min(4, (os.cpu_count() or 1) + 1)
GUNICORN_CONFIG = ROOT / "roi_site" / "gunicorn.py"
THREADS = runpy.run_path(str(GUNICORN_CONFIG))["threads"]
QUERY = "spend=50000&consent=40&adblock=12"


@dataclass(frozen=True)
class Server:
    """Where the requests go: gunicorn itself, or nginx in front of it (TLS)."""

    port: int
    tls: bool = False

    def connection(self) -> http.client.HTTPConnection:
        if not self.tls:
            return http.client.HTTPConnection(HOST, self.port, timeout=30)
        context = ssl.create_default_context()
        context.check_hostname = False  # the throwaway certificate of --nginx
        context.verify_mode = ssl.CERT_NONE
        return http.client.HTTPSConnection(HOST, self.port, timeout=30, context=context)


@dataclass
class Route:
    name: str
    # The path, or a function that prepares it (e.g. creates a short link).
    # A path with "{n}"
    # gets a new number on every request: a new result each time, which no
    # cache has seen (the cold path).
    path: str | Callable[[Server], str]
    # What a browser adds: Accept-Encoding gets the gzipped body.
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def fresh(self) -> bool:
        return isinstance(self.path, str) and "{n}" in self.path


# What each kind of route should reach, as a share of the static file's rate.
HOT_TARGET, COLD_TARGET = 0.5, 0.2
# Numbers for the fresh routes' queries: unique across the whole run.
NUMBERS = itertools.count(1000)
FRESH = "spend={n}&consent=40&adblock=12"


def short_link(server: Server) -> str:
    """A fresh short link from POST /api/v1/links."""
    conn = server.connection()
    body = json.dumps({"query": QUERY})
    conn.request("POST", "/api/v1/links", body, {"Content-Type": "application/json"})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    if response.status not in (200, 201):
        raise SystemExit(f"POST /api/v1/links answered {response.status}: {data[:200]!r}")
    url = json.loads(data)["url"]
    return "/" + url.split("://", 1)[1].split("/", 1)[1] if "://" in url else url


def card_image(server: Server) -> str:
    """The card's canonical URL: /card.png redirects any other spelling to it."""
    conn = server.connection()
    conn.request("GET", f"/card.png?{QUERY}")
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 301:
        raise SystemExit(f"/card.png?{QUERY} answered {response.status}, not its redirect")
    return response.getheader("Location")


ROUTES = [
    Route("page", f"/?{QUERY}"),
    Route("embed", f"/embed/?{QUERY}"),
    Route("embed, gzip", f"/embed/?{QUERY}", {"Accept-Encoding": "gzip"}),
    Route("api", f"/api/v1/calculate?{QUERY}"),
    Route("short link", short_link),
    Route("card image", card_image),
    Route("embed, new", f"/embed/?{FRESH}"),
    Route("api, new", f"/api/v1/calculate?{FRESH}"),
]


@dataclass
class Result:
    count: int = 0
    non_2xx: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else 0.0
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(p) - 1]


def hammer(
    server: Server, path: str, total: int, seconds: float, headers: dict[str, str] | None = None
) -> Result:
    """``total`` GETs of ``path`` from CONCURRENCY keep-alive connections, within ``seconds``."""
    result = Result()
    lock = threading.Lock()
    issued = 0
    deadline = time.perf_counter() + seconds

    def take() -> bool:
        nonlocal issued
        with lock:
            if issued >= total or time.perf_counter() > deadline:
                return False
            issued += 1
            return True

    def worker() -> None:
        conn = server.connection()
        latencies, non_2xx, errors = [], 0, 0
        while take():
            target = path.format(n=next(NUMBERS)) if "{n}" in path else path
            start = time.perf_counter()
            try:
                conn.request("GET", target, headers=headers or {})
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                conn = server.connection()
                continue
            latencies.append(time.perf_counter() - start)
            if not 200 <= response.status < 300:
                non_2xx += 1
            if response.will_close:
                conn.close()
                conn = server.connection()
        conn.close()
        with lock:
            result.latencies.extend(latencies)
            result.non_2xx += non_2xx
            result.errors += errors

    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - start
    result.count = len(result.latencies)
    return result


def fetch(server: Server, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    conn = server.connection()
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def production_env(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_LOG_LEVEL="INFO",
        DJANGO_SETTINGS_MODULE="roi_site.settings",
    )
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'load.sqlite3'}")
    return env


def prepare(env: dict[str, str]) -> None:
    """What a deploy runs before the server starts."""
    for command in (
        ["migrate", "--no-input", "--verbosity", "0"],
        ["collectstatic", "--no-input", "--verbosity", "0"],
    ):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)


def start_gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    # The README's command (roi_site/gunicorn.py), with a worker per core and
    # connections kept open as the load generator reuses them.
    command = [
        sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG), "roi_site.wsgi:application",
        "--bind", f"{HOST}:{port}",
        "--workers", str(WORKERS),
        "--keep-alive", "30",
    ]  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start-up; see {log}")
        try:
            status, _ = fetch(Server(port), "/healthz")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer /healthz within 30 s; see {log}")


def static_files() -> list[tuple[int, str]]:
    """(size, URL) of every hashed static file, smallest first."""
    manifest = json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())
    files = []
    for hashed in manifest["paths"].values():
        path = ROOT / "staticfiles" / hashed
        if path.is_file():
            files.append((path.stat().st_size, "/static/" + hashed))
    return sorted(files)


def closest(files: list[tuple[int, str]], size: int) -> tuple[int, str]:
    return min(files, key=lambda item: abs(item[0] - size))


def line(name: str, path: str, size: int, r: Result) -> str:
    shown = path if len(path) <= 34 else path[:31] + "..."
    return (
        f"{name:<12} {shown:<34} {size:>8} {r.count:>7} {r.rate:>8.0f} "
        f"{r.percentile(50) * 1e3:>7.1f} {r.percentile(99) * 1e3:>7.1f} {r.non_2xx + r.errors:>7}"
    )


def nginx_config(workdir: Path, https_port: int, http_port: int, app_port: int) -> str:
    """deploy/nginx.conf with this machine's user, paths, ports and certificate."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    for old, new in [
        ("user www-data;", f"user {getpass.getuser()};"),
        ("pid /run/nginx.pid;", f"pid {workdir}/nginx.pid;"),
        ("error_log /var/log/nginx/error.log warn;", f"error_log {workdir}/nginx-error.log warn;"),
        ("access_log /var/log/nginx/access.log;", "access_log off;"),
        ("/var/cache/nginx/roi ", f"{workdir}/nginx-cache "),
        ("server 10.0.0.5:8000;", f"server {HOST}:{app_port};"),
        ("listen 80;", f"listen {HOST}:{http_port};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen {HOST}:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("/etc/letsencrypt/live/roi.example.com/fullchain.pem", f"{workdir}/cert.pem"),
        ("/etc/letsencrypt/live/roi.example.com/privkey.pem", f"{workdir}/key.pem"),
    ]:
        if old not in text:
            raise SystemExit(f"deploy/nginx.conf no longer has {old!r}")
        text = text.replace(old, new)
    return text


def start_nginx(workdir: Path, https_port: int, http_port: int, app_port: int) -> subprocess.Popen:
    """nginx with the reference config in front of gunicorn, and a throwaway certificate."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=roi.example.com", "-keyout", str(workdir / "key.pem"),
         "-out", str(workdir / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    config = workdir / "nginx.conf"
    config.write_text(nginx_config(workdir, https_port, http_port, app_port))
    command = [nginx, "-p", str(workdir), "-c", str(config), "-g", "daemon off;"]
    proxy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proxy.poll() is not None:
            raise SystemExit(f"nginx stopped at start-up; see {workdir}/nginx-error.log")
        try:
            if fetch(Server(https_port, tls=True), "/healthz")[0] == 200:
                return proxy
        except OSError:
            time.sleep(0.2)
    proxy.terminate()
    raise SystemExit("nginx did not answer within 15 s")


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def run_routes(server: Server, args: argparse.Namespace) -> None:
    """Each route's figures beside the static file's of about its size, and their ratio."""
    header = (
        f"{'route':<12} {'path':<34} {'bytes':>8} {'count':>7} {'req/s':>8} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>7}   static req/s  ratio"
    )
    print(header)
    print("-" * len(header))
    files = static_files()
    static_rates: dict[str, Result] = {}
    for route in ROUTES:
        path = route.path(server) if callable(route.path) else route.path
        first = path.format(n=next(NUMBERS)) if route.fresh else path
        status, body = fetch(server, first, route.headers)
        if status != 200:
            raise SystemExit(f"{route.name}: {first} answered {status}")
        hammer(server, path, CONCURRENCY * 2, args.seconds, route.headers)  # warm every worker
        result = hammer(server, path, args.requests, args.seconds, route.headers)
        size, static_path = closest(files, len(body))
        if static_path not in static_rates:
            hammer(server, static_path, CONCURRENCY * 2, args.seconds)
            static_rates[static_path] = hammer(server, static_path, args.requests, args.seconds)
        static = static_rates[static_path]
        ratio = result.rate / static.rate if static.rate else 0.0
        target = COLD_TARGET if route.fresh else HOT_TARGET
        verdict = "ok" if ratio >= target else "below"
        print(
            f"{line(route.name, path, len(body), result)}   {static.rate:>12.0f}  "
            f"{ratio:.2f}x  (target {target}x: {verdict})"
        )
    print()
    for static_path, static in static_rates.items():
        size = next(s for s, p in files if p == static_path)
        print(line("static", static_path, size, static))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="at most this many per route")
    parser.add_argument("--seconds", type=float, default=20, help="at most this long per route")
    parser.add_argument("--nginx", action="store_true", help="through deploy/nginx.conf")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port; nginx's follow")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="roi-load-"))
    env = production_env(workdir)
    port = args.port or free_port()
    log = workdir / "gunicorn.log"
    print(f"preparing: migrate, collectstatic ({ROOT / 'staticfiles'})")
    prepare(env)
    server = start_gunicorn(env, port, log)
    proxy = None
    try:
        cores = os.cpu_count()
        print(
            f"gunicorn on {HOST}:{port}: {WORKERS} gthread workers x {THREADS} threads, "
            f"{cores} cores; {CONCURRENCY} keep-alive connections; "
            f"at most {args.requests} requests or {args.seconds:g} s per route\n"
        )
        target = Server(port)
        if args.nginx:
            https_port = port + 1 if args.port else free_port()
            http_port = port + 2 if args.port else free_port()
            proxy = start_nginx(workdir, https_port, http_port, port)
            target = Server(https_port, tls=True)
            print(f"through nginx (deploy/nginx.conf, its cache, TLS) on {HOST}:{https_port}\n")
        run_routes(target, args)
    finally:
        if proxy is not None:
            stop(proxy)
        stop(server)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
