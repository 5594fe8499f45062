"""/healthz: 200 when the site can write, 503 without details when it cannot; counters
that cannot be written never break a page; `migrate` makes every table the site needs."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing, contextmanager

import pytest
from django.db import connection
from django.db.utils import OperationalError

from calculator.models import EmbedDailyStat, EmbedProfile

from .servers import manage, site_env


@contextmanager
def read_only():
    """The database answers reads and refuses every write, like a read-only file."""
    sqlite = connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        if sqlite:
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if sqlite:
                cursor.execute("PRAGMA query_only = OFF")
            else:
                cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")


@pytest.fixture
def read_only_database(transactional_db):
    with read_only():
        yield


@pytest.mark.django_db
class TestHealthz:
    def test_ok(self, client):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert json.loads(response.content) == {"status": "ok"}

    def test_it_is_never_cached(self, client):
        assert "no-store" in client.get("/healthz")["Cache-Control"]

    def test_a_broken_database_answers_503_and_keeps_the_reason_in_the_log(
        self, client, monkeypatch, caplog
    ):
        def broken(*args, **kwargs):
            raise OperationalError('could not connect to server at "db.internal" user "roi"')

        monkeypatch.setattr(connection, "cursor", broken)
        response = client.get("/healthz")
        assert response.status_code == 503
        assert json.loads(response.content) == {"status": "unavailable"}
        assert b"db.internal" not in response.content
        assert "db.internal" in caplog.text

    def test_a_missing_cache_table_answers_503(self, client, settings):
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "no_such_table",
            }
        }
        assert client.get("/healthz").status_code == 503

    def test_it_is_exempt_from_the_https_redirect(self, client, settings):
        settings.SECURE_SSL_REDIRECT = True
        settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
        assert client.get("/healthz").status_code == 200
        assert client.get("/").status_code == 301

    def test_post_is_refused(self, client):
        assert client.post("/healthz").status_code == 405


class TestReadOnlyDatabase:
    def test_health_says_unavailable(self, client, read_only_database, caplog):
        response = client.get("/healthz")
        assert response.status_code == 503
        assert json.loads(response.content) == {"status": "unavailable"}
        assert "health check failed" in caplog.text

    def test_a_healthy_check_leaves_nothing_written(self, client, transactional_db):
        from django.core.cache import cache

        from calculator.models import RateCounter

        assert client.get("/healthz").status_code == 200
        assert RateCounter.objects.count() == 0
        assert cache.get("healthz:probe") is None

    def test_an_embed_whose_count_cannot_be_written_is_still_served(
        self, client, transactional_db, caplog
    ):
        profile = EmbedProfile.objects.create(slug="acme", agency_name="Acme")
        with read_only():
            response = client.get("/embed/acme/?spend=1000")
            calculated = client.get("/embed/acme/?spend=2000", HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert b"Acme" in response.content
        assert calculated.status_code == 200
        assert "embed views of acme not counted" in caplog.text
        assert "embed calculations of acme not counted" in caplog.text
        assert not EmbedDailyStat.objects.filter(profile=profile).exists()


def test_migrate_alone_makes_the_cache_table(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    manage(site_env(f"sqlite:///{database}"), "migrate", "--no-input", "--verbosity", "0")
    # closing(): a connection's own "with" ends the transaction, not the connection.
    with closing(sqlite3.connect(database)) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert {"django_cache", "calculator_ratecounter"} <= tables
