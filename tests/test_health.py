"""/healthz: 200 when the database answers, 503 without details when it does not."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.db.utils import OperationalError


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
