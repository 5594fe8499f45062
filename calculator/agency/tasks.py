"""Background tasks, run by the database worker (`manage.py db_worker`)."""

from __future__ import annotations

from django.tasks import task

from . import delivery


@task()
def deliver(delivery_id: int) -> str:
    """Sends one lead email or webhook; on failure it is queued again with a delay."""
    return delivery.attempt(delivery_id)
