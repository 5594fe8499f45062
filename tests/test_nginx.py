"""deploy/nginx.conf in front of gunicorn: a shared cache that stores what the app marks
public, keeps Vary's variants apart, revalidates profile embeds (so the app counts their
views) and never stores anything private.

The reference config runs as written, except for the addresses, paths and certificate
that only exist on a real server (each replaced exactly once, so a drift fails here).
"""

from __future__ import annotations

import gzip
import http.client
import io
import json
import re
import secrets
import shutil
import sqlite3
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from PIL import Image

from .servers import HOST, ROOT, free_ports, get, gunicorn, manage, site_env, wait_until_up

CONFIG = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SITE = "roi.example.com"
SHARED_MAX_AGE = 2  # seconds a profile embed may be served from the cache

AGENCY, AGENCY_PASSWORD = "signin@agency.example", "sign-in-pass-phrase-52"

pytestmark = pytest.mark.slow  # gunicorn and nginx, started once for the module


@dataclass
class Proxied:
    https_port: int
    http_port: int
    database: Path
    app_log: Path

    def app_answers(self, path: str) -> list[int]:
        """The statuses the app answered for ``path`` (its log has no query strings)."""
        answers = []
        for line in self.app_log.read_text().splitlines():
            if line.startswith("{"):
                entry = json.loads(line)
                if entry.get("path") == path and "status" in entry:
                    answers.append(entry["status"])
        return answers

    def request(
        self,
        path: str,
        method: str = "GET",
        body: str | None = None,
        source: str = HOST,
        **headers: str,
    ):
        """Through nginx from the loopback address ``source``: 127.0.0.2 and
        127.0.0.3 are two visitors, as nginx sees them."""
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection(
            HOST, self.https_port, context=context, timeout=30, source_address=(source, 0)
        )
        try:
            connection.request(method, path, body=body, headers={"Host": SITE, **headers})
            response = connection.getresponse()
            headers = {k.lower(): v for k, v in response.getheaders()}
            return response.status, headers, response.read()
        finally:
            connection.close()

    def views(self, slug: str) -> int:
        # closing(): a connection's own "with" ends the transaction, not the connection.
        with closing(sqlite3.connect(self.database)) as db:
            row = db.execute(
                "SELECT SUM(s.views) FROM calculator_embeddailystat s "
                "JOIN calculator_embedprofile p ON p.id = s.profile_id WHERE p.slug = ?",
                (slug,),
            ).fetchone()
        return row[0] or 0


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"deploy/nginx.conf no longer has exactly one {old!r}"
    return text.replace(old, new)


def local_config(tmp: Path, https_port: int, http_port: int, app_port: int) -> str:
    import getpass

    text = CONFIG.read_text()
    for old, new in [
        ("user www-data;", f"user {getpass.getuser()};"),
        ("pid /run/nginx.pid;", f"pid {tmp}/nginx.pid;"),
        ("error_log /var/log/nginx/error.log warn;", f"error_log {tmp}/error.log warn;"),
        ("access_log /var/log/nginx/access.log;", f"access_log {tmp}/access.log;"),
        ("/var/cache/nginx/roi ", f"{tmp}/cache "),
        ("server 10.0.0.5:8000;", f"server {HOST}:{app_port};"),
        ("listen 80;", f"listen {HOST}:{http_port};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen {HOST}:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        (f"/etc/letsencrypt/live/{SITE}/fullchain.pem", f"{tmp}/cert.pem"),
        (f"/etc/letsencrypt/live/{SITE}/privkey.pem", f"{tmp}/key.pem"),
    ]:
        text = replace_once(text, old, new)
    return text


@pytest.fixture(scope="module")
def proxied(tmp_path_factory) -> Iterator[Proxied]:
    if not Path(NGINX).exists():
        pytest.fail("nginx is not installed: apt-get install nginx")
    tmp = tmp_path_factory.mktemp("nginx")
    database = tmp / "site.sqlite3"
    env = site_env(
        f"sqlite:///{database}",
        DJANGO_ALLOWED_HOSTS=SITE,
        DJANGO_PROXY_COUNT="1",
        DJANGO_EMBED_PROFILE_SHARED_MAX_AGE=str(SHARED_MAX_AGE),
        DJANGO_LOG_LEVEL="INFO",  # the app's request log shows what nginx asked of it
    )
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    manage(
        env,
        "shell",
        "-c",
        "from calculator.models import EmbedProfile; "
        "EmbedProfile.objects.create(slug='acme', agency_name='Acme Growth')",
    )
    manage({**env, "AGENCY_PASSWORD": AGENCY_PASSWORD}, "create_agency", AGENCY, "--profile", "ag")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={SITE}", "-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    with gunicorn({**env, "DJANGO_ALLOWED_HOSTS": f"{SITE},{HOST}"}, tmp / "app.log") as app:
        # Chosen once the app holds its own port, so none of them can be it.
        https_port, http_port = free_ports(2)
        (tmp / "nginx.conf").write_text(local_config(tmp, https_port, http_port, app))
        command = [
            NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf"),
            "-e", str(tmp / "error.log"), "-g", "daemon off;",
        ]  # fmt: skip
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        with (tmp / "nginx.out").open("wb") as out:
            nginx = subprocess.Popen(command, stdout=out, stderr=out)
        try:
            # Plain HTTP answers the redirect to HTTPS once nginx is up.
            wait_until_up(http_port, nginx, tmp / "error.log", path="/", status=301)
            yield Proxied(https_port, http_port, database, tmp / "app.log")
        finally:
            nginx.terminate()
            nginx.wait(timeout=30)


def test_plain_http_redirects_to_https(proxied):
    status, headers, _ = get(proxied.http_port, "/method/", {"Host": SITE})
    assert status == 301
    assert headers["Location"] == f"https://{SITE}/method/"


def test_a_profile_embed_is_stored_then_revalidated_and_each_revalidation_counted(proxied):
    path = "/embed/acme/?spend=31000"
    first = proxied.request(path)
    assert first[0] == 200
    assert first[1]["x-cache-status"] == "MISS"
    cache_control = {part.strip() for part in first[1]["cache-control"].split(",")}
    assert {
        "public",
        "max-age=0",
        f"s-maxage={SHARED_MAX_AGE}",
        f"stale-while-revalidate={SHARED_MAX_AGE}",
    } <= cache_control
    assert "set-cookie" not in first[1]
    assert proxied.views("acme") == 1

    second = proxied.request(path)
    assert second[1]["x-cache-status"] == "HIT"
    assert second[2] == first[2]
    assert second[1]["etag"] == first[1]["etag"]
    assert proxied.views("acme") == 1  # served by nginx alone

    # A browser revalidates every time (max-age=0); nginx answers it from the cache.
    browser = proxied.request(path, **{"If-None-Match": first[1]["etag"]})
    assert browser[0] == 304
    assert browser[1]["x-cache-status"] == "HIT"
    assert "frame-ancestors *" in browser[1]["content-security-policy"]

    # Expired: the copy is served while nginx revalidates it with the app,
    # which counts that view. nginx counts expiry in whole seconds, so the copy
    # stays fresh for SHARED_MAX_AGE to SHARED_MAX_AGE + 1 seconds: ask until
    # it is not (each ask a HIT, which counts nothing).
    deadline = time.monotonic() + SHARED_MAX_AGE + 10
    third = proxied.request(path)
    while third[1]["x-cache-status"] == "HIT" and time.monotonic() < deadline:
        time.sleep(0.05)
        third = proxied.request(path)
    assert third[0] == 200
    assert third[1]["x-cache-status"] == "STALE"
    assert third[2] == first[2]
    deadline = time.monotonic() + 10
    while proxied.views("acme") < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert proxied.views("acme") == 2
    # nginx asked with If-None-Match, and the app answered 304: no second body.
    assert proxied.app_answers("/embed/acme/") == [200, 304]
    fourth = proxied.request(path)
    assert fourth[1]["x-cache-status"] == "HIT"  # refreshed by the revalidation
    assert fourth[1]["etag"] == first[1]["etag"]


def test_every_click_of_an_ad_shares_one_entry(proxied):
    """The key leaves out click ids and utm_ keys, up to four of them; the
    rest of the query still makes an entry of its own."""
    first = proxied.request("/?spend=43000&fbclid=IwAR0")
    assert first[1]["x-cache-status"] == "MISS"
    for query in (
        "spend=43000&fbclid=IwAR1",
        "fbclid=IwAR2&spend=43000&utm_source=meta&utm_medium=paid&utm_campaign=q4",
        "spend=43000",
    ):
        again = proxied.request(f"/?{query}")
        assert again[1]["x-cache-status"] == "HIT", query
        assert again[2] == first[2]
    other = proxied.request("/?spend=43001&fbclid=IwAR1")
    assert other[1]["x-cache-status"] == "MISS"
    assert b"43001" in other[2]
    lookalike = proxied.request("/?spend=43000&xfbclid=1")
    assert lookalike[1]["x-cache-status"] == "MISS"


def test_the_page_and_its_htmx_partial_are_kept_apart(proxied):
    path = "/?spend=42000"
    page = proxied.request(path)
    partial = proxied.request(path, **{"HX-Request": "true"})
    assert (page[1]["x-cache-status"], partial[1]["x-cache-status"]) == ("MISS", "MISS")
    assert b"<html" in page[2]
    assert b"<html" not in partial[2]
    again_page = proxied.request(path)
    again_partial = proxied.request(path, **{"HX-Request": "true"})
    assert again_page[1]["x-cache-status"] == "HIT"
    assert again_partial[1]["x-cache-status"] == "HIT"
    assert again_page[2] == page[2]
    assert again_partial[2] == partial[2]


def test_compressed_and_plain_variants_are_kept_apart(proxied):
    path = "/method/"
    plain = proxied.request(path)
    zipped = proxied.request(path, **{"Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain[1]
    assert zipped[1]["content-encoding"] == "gzip"
    assert gzip.decompress(zipped[2]) == plain[2]
    # The app's gzip pads each body with random bytes (BREACH) and weakens the
    # tag; nginx keeps the one copy it got and serves it to every later client.
    assert zipped[1]["etag"] == "W/" + plain[1]["etag"]
    assert proxied.request(path)[2] == plain[2]
    again = proxied.request(path, **{"Accept-Encoding": "gzip"})
    assert again[1]["x-cache-status"] == "HIT"
    assert again[2] == zipped[2]
    held = proxied.request(path, **{"Accept-Encoding": "gzip", "If-None-Match": zipped[1]["etag"]})
    assert held[0] == 304


def test_a_card_passes_through_with_its_strong_etag(proxied):
    first = proxied.request("/card.png", **{"Accept-Encoding": "gzip"})
    second = proxied.request("/card.png", **{"Accept-Encoding": "gzip"})
    assert second[1]["x-cache-status"] == "HIT"
    assert second[1]["etag"] == first[1]["etag"]
    assert not second[1]["etag"].startswith("W/")
    assert "content-encoding" not in second[1]


def test_nothing_private_or_live_is_stored(proxied):
    for path in ("/healthz", "/admin/login/"):
        proxied.request(path)
        status, headers, _ = proxied.request(path)
        assert status == 200
        assert headers.get("x-cache-status") is None, path  # never through the cache
    body = '{"query": "spend=777"}'
    json_type = {"Content-Type": "application/json"}
    created = proxied.request("/api/v1/links", "POST", body, **json_type)
    again = proxied.request("/api/v1/links", "POST", body, **json_type)
    assert (created[0], again[0]) == (201, 200)  # both answered by the app
    assert again[1].get("x-cache-status") != "HIT"


def sign_in(proxied: Proxied, source: str, login: str, password: str, **headers: str):
    """allauth's sign-in form, as a browser posts it (its CSRF cookie and token)."""
    token = "t" * 32
    body = urlencode({"csrfmiddlewaretoken": token, "login": login, "password": password})
    form = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={token}",
        "Origin": f"https://{SITE}",
        "Referer": f"https://{SITE}/accounts/login/",
    }
    return proxied.request("/accounts/login/", "POST", body, source, **form, **headers)


def test_failed_sign_ins_of_one_visitor_do_not_lock_out_another(proxied):
    """allauth limits failed sign-ins per client address: behind nginx, that is
    the address nginx appends to X-Forwarded-For, not nginx's own."""
    too_many = b"Too many failed login attempts"
    for number in range(10):  # allauth's limit: ten failures a minute from one address
        status, _, body = sign_in(proxied, "127.0.0.2", f"guess{number}@x.example", "wrong")
        assert status == 200
        assert b"not correct" in body
    _, _, refused = sign_in(proxied, "127.0.0.2", "guess@x.example", "wrong")
    assert too_many in refused
    # A forged header is appended to, not believed: still the same visitor.
    _, _, forged = sign_in(
        proxied, "127.0.0.2", "guess@x.example", "wrong", **{"X-Forwarded-For": "198.51.100.1"}
    )
    assert too_many in forged
    # Another visitor signs in.
    status, headers, _ = sign_in(proxied, "127.0.0.3", AGENCY, AGENCY_PASSWORD)
    assert status == 302, "another visitor was locked out"
    assert headers["location"] == "/agency/"


def exchange(proxied: Proxied, method: str, path: str, body: bytes = b"", **headers: str):
    """One request through nginx; the answer's headers as a list, every Set-Cookie kept."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    connection = http.client.HTTPSConnection(HOST, proxied.https_port, context=context, timeout=30)
    try:
        connection.request(method, path, body=body, headers={"Host": SITE, **headers})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def cookies_set(headers: list[tuple[str, str]]) -> dict[str, str]:
    jar = SimpleCookie()
    for name, value in headers:
        if name.lower() == "set-cookie":
            jar.load(value)
    return {name: morsel.value for name, morsel in jar.items()}


def csrf_token(page: bytes) -> str:
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()


def multipart(fields: dict[str, str], name: str, filename: str, content: bytes):
    boundary = secrets.token_hex(16)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        "Content-Type: image/png\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(
        parts
    ) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_a_logo_of_100_kb_is_uploaded_through_the_profile_form(proxied):
    """The form's body is past the 64k every other route is held to: it reaches the app."""
    manage(
        site_env(f"sqlite:///{proxied.database}"),
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; "
        "from allauth.account.models import EmailAddress; "
        "from calculator.models import EmbedProfile; "
        "user = get_user_model().objects.create_user("
        "'logo@agency.example', 'logo@agency.example', 'a-long-pass-phrase-42'); "
        "EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True); "
        "EmbedProfile.objects.create(slug='logo-agency', agency_name='Logo Agency', owner=user)",
    )
    # As a browser posts a form: the proxy says HTTPS, so Django checks the origin.
    origin = {"Origin": f"https://{SITE}"}
    form_type = {"Content-Type": "application/x-www-form-urlencoded", **origin}
    _, headers, page = exchange(proxied, "GET", "/accounts/login/")
    jar = cookies_set(headers)
    login = urlencode(
        {
            "login": "logo@agency.example",
            "password": "a-long-pass-phrase-42",
            "csrfmiddlewaretoken": csrf_token(page),
        }
    ).encode()
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    status, headers, _ = exchange(
        proxied, "POST", "/accounts/login/", login, Cookie=cookie, **form_type
    )
    assert status == 302
    jar |= cookies_set(headers)
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    path = "/agency/profiles/logo-agency/"
    status, headers, page = exchange(proxied, "GET", path, Cookie=cookie)
    assert status == 200
    jar |= cookies_set(headers)
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())

    logo = io.BytesIO()
    Image.frombytes("L", (330, 330), secrets.token_bytes(330 * 330)).save(logo, "PNG")
    assert 100_000 < len(logo.getvalue()) < 120_000  # noise: a PNG cannot compress it
    fields = {
        "csrfmiddlewaretoken": csrf_token(page),
        "agency_name": "Logo Agency",
        "slug": "logo-agency",
        "theme": "auto",
        "layout": "full",
        "lead_retention_days": "180",
    }
    body, content_type = multipart(fields, "logo", "logo.png", logo.getvalue())
    status, headers, _ = exchange(
        proxied, "POST", path, body, Cookie=cookie, **{"Content-Type": content_type}, **origin
    )
    assert status == 302  # saved, back to the form
    with closing(sqlite3.connect(proxied.database)) as db:
        (digest,) = db.execute(
            "SELECT logo_digest FROM calculator_embedprofile WHERE slug = 'logo-agency'"
        ).fetchone()
    assert digest


def test_a_body_over_64k_elsewhere_is_refused_by_nginx(proxied):
    before = len(proxied.app_answers("/api/v1/links"))
    body = json.dumps({"query": "spend=1&x=" + "9" * 100_000})
    status, _, _ = proxied.request(
        "/api/v1/links", "POST", body, **{"Content-Type": "application/json"}
    )
    assert status == 413
    assert len(proxied.app_answers("/api/v1/links")) == before  # the app never saw it
