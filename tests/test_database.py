"""The suite runs on whichever database DATABASE_URL names (SQLite or PostgreSQL)."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest
from django.db import connection

VENDORS = {"sqlite": "sqlite", "postgres": "postgresql", "postgresql": "postgresql"}


@pytest.mark.django_db
def test_it_runs_on_the_database_that_database_url_names():
    scheme = urlsplit(os.environ.get("DATABASE_URL", "sqlite://")).scheme.split("+")[0]
    assert connection.vendor == VENDORS[scheme]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
