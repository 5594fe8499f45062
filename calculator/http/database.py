"""A database connection that failed is not kept for the next request."""

from __future__ import annotations

from collections.abc import Callable

from django.db import DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse


def close_connections() -> None:
    """Closes this thread's database connections: the next query opens a fresh one.

    Called after a database error. A connection opened while the database
    was read-only (a file that could not be opened for writing, a replica
    before a failover ended) still answers ``SELECT 1``, so Django's health
    check keeps it for CONN_MAX_AGE, refusing every write long after the
    database has recovered. A connection inside a transaction (an atomic
    block around the whole request, or a test's) is left to that block.
    """
    for connection in connections.all(initialized_only=True):
        if not in_transaction(connection):
            connection.close()


def in_transaction(connection: BaseDatabaseWrapper) -> bool:
    try:
        return not transaction.get_autocommit(using=connection.alias)
    except DatabaseError:  # it cannot even connect: nothing there to keep
        return False


class DatabaseErrorMiddleware:
    """Closes the connections after a view raised a database error; Django
    answers the error as before (500, or the API's JSON)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, DatabaseError):
            close_connections()
