"""The README's run command, `scripts/serve`, as someone trying the site runs it:
a lead captured in an agency's embed is delivered by the worker it starts, and
stopping the script stops the server and the worker, leaving nothing behind."""

from __future__ import annotations

import html
import http.client
import os
import re
import signal
import sqlite3
import subprocess
import time
from contextlib import closing
from pathlib import Path
from urllib.parse import urlencode

import pytest

from .servers import HOST, ROOT, free_port, get, manage

SLUG = "acme"


def serve_env(database: Path, port: int) -> dict[str, str]:
    """Development settings, as on a laptop, with a database of the test's own."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k not in ("DATABASE_URL", "REDIS_URL")
    }
    return {**clean, "DATABASE_URL": f"sqlite:///{database}", "PORT": str(port)}


def hidden_inputs(page: str) -> dict[str, str]:
    form = page.split('id="lead-form"', 1)[1].split("</form>", 1)[0]
    return {
        html.unescape(name): html.unescape(value)
        for name, value in re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form)
    }


def send_lead(port: int) -> None:
    """'Email me this report', posted as the embed's own frame posts it."""
    status, _, body = get(port, f"/embed/{SLUG}/?spend=20000&frame=capi-roi")
    assert status == 200
    fields = hidden_inputs(body.decode()) | {"email": "visitor@shop.example", "website": ""}
    origin = f"http://{HOST}:{port}"
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request(
            "POST",
            f"/embed/{SLUG}/lead/",
            body=urlencode(fields),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Sec-Fetch-Site": "same-origin",
            },
        )
        answer = connection.getresponse()
        assert answer.status == 200, answer.read()[:2000]
    finally:
        connection.close()


def statuses(database: Path) -> list[str]:
    # closing(): sqlite3's own context manager commits but leaves it open.
    with closing(sqlite3.connect(database)) as db:
        return [row[0] for row in db.execute("SELECT status FROM calculator_delivery")]


def wait_until_up(port: int, process: subprocess.Popen, log: Path) -> None:
    """Until the site answers: the script sets up first (dependencies, catalogs,
    migrations, static files), which takes a while on a busy machine."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert process.poll() is None, f"scripts/serve stopped:\n{log.read_text()}"
        try:
            if get(port, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"the site did not answer within 180 s:\n{log.read_text()}")


def session(group: int) -> list[str]:
    """The live processes of the script's session (zombies left to be reaped aside)."""
    listing = subprocess.run(
        ["ps", "-o", "stat=,args=", "-s", str(group)], capture_output=True, text=True
    ).stdout
    return [line for line in listing.splitlines() if line.strip() and "Z" not in line.split()[0]]


@pytest.mark.slow  # the development server and the worker
@pytest.mark.parametrize("stop", ["sigterm to the script", "ctrl-c"])
def test_scripts_serve_delivers_a_lead_and_stops_with_its_worker(tmp_path, stop):
    database = tmp_path / "db.sqlite3"
    port = free_port()
    env = serve_env(database, port)
    manage(env, "migrate", "--no-input")
    manage(
        {**env, "AGENCY_PASSWORD": "a-long-pass-phrase-42"},
        "create_agency", "owner@acme.example", "--profile", SLUG, "--leads",
    )  # fmt: skip
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        # Its own session, as a terminal gives a command its own process group.
        process = subprocess.Popen(
            [str(ROOT / "scripts" / "serve")],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    group = process.pid
    try:
        wait_until_up(port, process, log)
        members = "\n".join(session(group))
        assert "db_worker" in members, members
        assert "runserver" in members, members

        send_lead(port)
        deadline = time.monotonic() + 60
        # The visitor's report and the agency's email, each sent by the worker.
        while set(statuses(database)) != {"sent"} and time.monotonic() < deadline:
            time.sleep(0.5)
        assert statuses(database) == ["sent", "sent"], log.read_text()[-3000:]
        # The console backend printed the visitor's report.
        assert "To: visitor@shop.example" in log.read_text()

        if stop == "ctrl-c":  # the terminal signals its whole foreground group
            os.killpg(group, signal.SIGINT)
        else:  # a process manager signals the script alone
            process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        deadline = time.monotonic() + 10
        while session(group) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert session(group) == [], "processes of scripts/serve outlived it"
    finally:
        if session(group):
            os.killpg(group, signal.SIGKILL)
        process.wait(timeout=30)
