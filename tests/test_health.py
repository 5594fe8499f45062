"""/healthz: 200 when the site can write, 503 without details when it cannot; counters
that cannot be written never break a page; `migrate` makes every table the site needs."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from contextlib import closing, contextmanager
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError, OperationalError
from django.utils import timezone

from calculator.http import health
from calculator.models import EmbedDailyStat, EmbedProfile, Heartbeat, RateCounter

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


@contextmanager
def refusing_commits():
    """Every transaction that wrote something fails at COMMIT; statements and
    rollbacks still succeed.

    That is a database file made immutable (``chattr +i``) under an open
    connection: a write changes pages in memory and only the commit must
    reach the file, so a write that is rolled back never meets the refusal.
    chmod does not stop root, whom CI runs as, and ``query_only`` refuses at
    the statement already; a deferred constraint, checked at COMMIT, refuses
    where the file does, on SQLite and PostgreSQL alike: a trigger on every
    table adds a row that breaks one.
    """
    tables = connection.introspection.table_names()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("CREATE TABLE refused_parent (id INTEGER PRIMARY KEY)")
            cursor.execute(
                "CREATE TABLE refused (parent INTEGER REFERENCES refused_parent (id)"
                " DEFERRABLE INITIALLY DEFERRED)"
            )
            for table in tables:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(
                        f'CREATE TRIGGER "refuse_{event}_{table}" AFTER {event} ON "{table}"'
                        " BEGIN INSERT INTO refused VALUES (1); END"
                    )
        else:
            cursor.execute(
                "CREATE FUNCTION refuse_commit() RETURNS trigger LANGUAGE plpgsql AS"
                " $$ BEGIN RAISE EXCEPTION 'could not write to file' USING ERRCODE = '58030';"
                " END $$"
            )
            for table in tables:
                cursor.execute(
                    "CREATE CONSTRAINT TRIGGER refuse_commit AFTER INSERT OR UPDATE OR DELETE"
                    f' ON "{table}" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW'
                    " EXECUTE FUNCTION refuse_commit()"
                )
    try:
        yield
    finally:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                for table in tables:
                    for event in ("INSERT", "UPDATE", "DELETE"):
                        cursor.execute(f'DROP TRIGGER "refuse_{event}_{table}"')
                cursor.execute("DROP TABLE refused")
                cursor.execute("DROP TABLE refused_parent")
            else:
                for table in tables:
                    cursor.execute(f'DROP TRIGGER refuse_commit ON "{table}"')
                cursor.execute("DROP FUNCTION refuse_commit()")


@contextmanager
def locked_by_another_writer():
    """Another connection holds the database's write lock (SQLite), or the
    heartbeat table's (PostgreSQL), until the block ends."""
    if connection.vendor == "sqlite":
        other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
        statements = ["BEGIN IMMEDIATE"]
    else:
        import psycopg

        settings_dict = connection.settings_dict
        other = psycopg.connect(
            dbname=settings_dict["NAME"],
            user=settings_dict["USER"],
            password=settings_dict["PASSWORD"],
            host=settings_dict["HOST"],
            port=settings_dict["PORT"] or None,
        )
        statements = [f'LOCK TABLE "{Heartbeat._meta.db_table}" IN ACCESS EXCLUSIVE MODE']
    with closing(other):
        for statement in statements:
            other.execute(statement)
        try:
            yield
        finally:
            other.rollback()


def lock_waits() -> list:
    """How long this connection's statements wait for a lock."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA busy_timeout")
            return [cursor.fetchone()[0]]
        waits = []
        for setting in ("lock_timeout", "statement_timeout"):
            cursor.execute(f"SHOW {setting}")
            waits.append(cursor.fetchone()[0])
        return waits


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


class TestCommit:
    """The probe commits: a database that takes statements but refuses their
    commit, or that another writer holds, answers 503."""

    def test_a_database_that_refuses_commits_answers_503(self, client, transactional_db, caplog):
        with refusing_commits():
            response = client.get("/healthz")
            assert not Heartbeat.objects.exists()
        assert response.status_code == 503
        assert json.loads(response.content) == {"status": "unavailable"}
        assert "health check failed" in caplog.text

    def test_the_simulation_refuses_what_a_link_writes(self, client, transactional_db):
        """What /healthz must agree with: creating a short link fails at that moment."""
        with refusing_commits(), pytest.raises(DatabaseError):
            client.post("/api/v1/links", {"query": "spend=5000"}, content_type="application/json")

    def test_it_answers_again_once_commits_work(self, client, transactional_db):
        with refusing_commits():
            assert client.get("/healthz").status_code == 503
        assert client.get("/healthz").status_code == 200

    def test_a_locked_database_answers_503_within_the_probe_timeout(self, client, transactional_db):
        with locked_by_another_writer():
            started = time.monotonic()
            response = client.get("/healthz")
            waited = time.monotonic() - started
        assert response.status_code == 503
        # The probe's own timeout, not the connection's (5 s on SQLite).
        assert waited < 3 * health.PROBE_TIMEOUT_MS / 1000
        assert client.get("/healthz").status_code == 200

    def test_the_site_keeps_its_own_lock_timeout(self, client, transactional_db):
        before = lock_waits()
        assert client.get("/healthz").status_code == 200
        assert lock_waits() == before

    def test_each_thread_beats_in_a_row_of_its_own(self, transactional_db):
        """Concurrent probes never wait for one another's row."""

        def probe():
            try:
                health.check()
            finally:
                connection.close()

        threads = [threading.Thread(target=probe) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert Heartbeat.objects.count() == 2

    def test_rows_of_threads_long_gone_are_deleted(self, client, transactional_db):
        long_ago = timezone.now() - health.STALE - timedelta(minutes=1)
        Heartbeat.objects.create(key="old-host:1:1", beat=long_ago)
        Heartbeat.objects.create(key="other-host:1:1", beat=timezone.now())
        assert client.get("/healthz").status_code == 200
        assert set(Heartbeat.objects.values_list("key", flat=True)) == {
            "other-host:1:1",
            health.heartbeat_key(),
        }


class TestReadOnlyDatabase:
    def test_health_says_unavailable(self, client, read_only_database, caplog):
        response = client.get("/healthz")
        assert response.status_code == 503
        assert json.loads(response.content) == {"status": "unavailable"}
        assert "health check failed" in caplog.text

    def test_a_healthy_check_commits_its_heartbeat_and_no_counter(self, client, transactional_db):
        assert client.get("/healthz").status_code == 200
        (row,) = Heartbeat.objects.all()
        assert row.key == health.heartbeat_key()
        assert RateCounter.objects.count() == 0

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
