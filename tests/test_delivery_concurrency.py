"""A hostile webhook receiver cannot stop the site's writes: while the real worker
(`manage.py db_worker`) sends to a receiver that drips its answer one byte at
a time and to one that never answers, leads and short links posted to
gunicorn at the same time are all stored, on a file SQLite database.
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest

from .servers import HOST, ROOT, free_port, gunicorn, manage, site_env

LEADS = 12  # six to each receiver's profile
LINKS = 12
SEND_DEADLINE = 3

# The worker as deployed, but allowed to reach the receivers on loopback over
# plain http, which production refuses.
WORKER = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roi_site.settings")
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from calculator.agency import webhooks
settings.WEBHOOK_REQUIRE_HTTPS = False
webhooks.is_public = lambda address: True
call_command("db_worker", "--interval", "0.2", "--no-startup-delay")
"""

SETUP = """
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from calculator.agency import tokens
from calculator.models import EmbedProfile
email = "a@agency.example"
user = get_user_model().objects.create_user(email, email, "a-long-pass-phrase-42")
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
for slug, port in (("drip", {drip}), ("hang", {hang})):
    EmbedProfile.objects.create(
        slug=slug, owner=user, agency_name="Agency " + slug, lead_capture=True,
        privacy_url="https://agency.example/privacy", notify_email="",
        webhook_url=f"http://127.0.0.1:{{port}}/leads", webhook_secret="whsec_test",
    )
    print("token", slug, tokens.make(slug))
"""


class HostileReceiver:
    """Accepts connections on loopback; "drip" sends an answer's header one
    byte every 300 ms for as long as the test lasts, "hang" sends nothing."""

    def __init__(self, mode: str):
        self.mode = mode
        self.listener = socket.create_server((HOST, 0))
        self.port = self.listener.getsockname()[1]
        self.connected = threading.Event()
        self.stop = threading.Event()
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        while not self.stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connected.set()
            threading.Thread(target=self.answer, args=(connection,), daemon=True).start()

    def answer(self, connection: socket.socket) -> None:
        header = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"z" * 10_000
        with connection:
            for byte in header if self.mode == "drip" else b"":
                if self.stop.wait(0.3):
                    return
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return
            self.stop.wait()

    def close(self) -> None:
        self.stop.set()
        self.listener.close()


@contextmanager
def worker(env: dict[str, str], log: Path):
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", WORKER], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def post(port: int, path: str, body: bytes, headers: dict[str, str]) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=40)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def post_lead(port: int, slug: str, token: str, n: int) -> int:
    body = urlencode(
        {
            "email": f"visitor{n}@shop.example",
            "name": "Vera",
            "consent": "on",
            "website": "",
            "token": token,
            "q": "spend=20000&conversions=400&v=1",
        }
    ).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": f"http://{HOST}:{port}",
        "Sec-Fetch-Site": "same-origin",
        "HX-Request": "true",  # the form's answer alone, as the embed's script asks
        "X-Forwarded-For": f"203.0.113.{n}",  # each visitor within its own hourly limit
    }
    return post(port, f"/embed/{slug}/lead/", body, headers)


def post_link(port: int, n: int) -> int:
    body = json.dumps({"query": f"spend={20_000 + n}"}).encode()
    headers = {"Content-Type": "application/json", "X-Forwarded-For": "198.51.100.1"}
    return post(port, "/api/v1/links", body, headers)


def shell(env: dict[str, str], code: str) -> str:
    return manage(env, "shell", "-c", code)


@pytest.mark.slow  # gunicorn, the worker and two receivers
def test_slow_receivers_never_stop_leads_or_links_being_stored(tmp_path):
    with ExitStack() as stack:
        drip, hang = HostileReceiver("drip"), HostileReceiver("hang")
        stack.callback(drip.close)
        stack.callback(hang.close)
        env = site_env(
            f"sqlite:///{tmp_path / 'site.sqlite3'}",
            DJANGO_PROXY_COUNT="1",
            DJANGO_SEND_DEADLINE=str(SEND_DEADLINE),
            # Mail goes nowhere at once: the receivers are the slow part.
            DJANGO_EMAIL_HOST=HOST,
            DJANGO_EMAIL_PORT=str(free_port()),
            DJANGO_EMAIL_TLS="0",
        )
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        made = shell(env, SETUP.format(drip=drip.port, hang=hang.port)).split("\n")
        tokens = dict(line.split()[1:] for line in made if line.startswith("token "))
        port = stack.enter_context(gunicorn(env, tmp_path / "gunicorn.log"))
        stack.enter_context(worker(env, tmp_path / "worker.log"))

        # The worker starts on the two receivers' first leads.
        assert post_lead(port, "drip", tokens["drip"], 0) == 200
        assert post_lead(port, "hang", tokens["hang"], 1) == 200
        assert drip.connected.wait(20), (tmp_path / "worker.log").read_text()[-3000:]

        # Then leads and links arrive over eight seconds, longer than a
        # write's wait for a lock, while the worker sends to the receivers.
        def one(n: int) -> tuple[str, int]:
            time.sleep(n * 8 / (LEADS + LINKS))
            if n % 2:
                return "link", post_link(port, n)
            slug = "drip" if n % 4 == 0 else "hang"
            return "lead", post_lead(port, slug, tokens[slug], 10 + n)

        with ThreadPoolExecutor(LEADS + LINKS) as pool:
            answers = list(pool.map(one, range(LEADS + LINKS)))

        stored = shell(
            env,
            "from calculator.models import Lead, ShortLink; "
            "print(Lead.objects.count(), ShortLink.objects.count())",
        ).split()[-2:]
        statuses = sorted(answers)
        assert statuses == sorted([("lead", 200)] * LEADS + [("link", 201)] * LINKS), (
            tmp_path / "gunicorn.log"
        ).read_text()[-3000:]
        assert stored == [str(2 + LEADS), str(LINKS)]

        # The worker gave up on each receiver by the deadline and went on.
        deadline = time.monotonic() + 20
        errors = ""
        while time.monotonic() < deadline and errors.count("did not answer") < 2:
            errors = shell(
                env,
                "from calculator.models import Delivery; print(list(Delivery.objects"
                ".filter(kind='webhook').values_list('last_error', flat=True)))",
            )
            time.sleep(0.5)
        assert f"did not answer within {SEND_DEADLINE} seconds" in errors, errors
