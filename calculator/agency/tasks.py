"""Background tasks, run by the database worker (`manage.py db_worker`).

This module queues every delivery, first and again; ``delivery`` makes and
attempts them and never queues anything, so the two depend one way only.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.tasks import task

from . import delivery
from .models import Delivery, Lead


@task()
def deliver(delivery_id: int) -> str:
    """Sends one lead email or webhook; on failure it is queued again with a delay."""
    # The next try is queued in the attempt's own transaction: a failed
    # attempt is never recorded without the task that tries again.
    with transaction.atomic():
        item = delivery.attempt(delivery_id)
        if item is None:
            return "gone"  # deleted with its lead
        if item.status == Delivery.Status.PENDING:
            enqueue(item, at=item.next_attempt)
        return item.status


def enqueue(item: Delivery, at: datetime | None = None) -> None:
    """Queues one try of ``item``, now or ``at`` that time."""
    (deliver.using(run_after=at) if at else deliver).enqueue(item.pk)


def queue_for(lead: Lead) -> list[Delivery]:
    """The lead's deliveries, each queued for the worker. Call inside the lead's transaction."""
    deliveries = delivery.create_for(lead)
    for item in deliveries:
        enqueue(item)
    return deliveries
