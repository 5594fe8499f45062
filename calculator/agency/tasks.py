"""Background tasks, run by the database worker (`manage.py db_worker`).

This module queues every delivery, first and again; ``delivery`` makes and
attempts them and never queues anything, so the two depend one way only.

The worker looks after itself: whenever a delivery is queued, a sweep is
waiting too, and while any delivery waits the sweep queues itself again
every few minutes. It queues again a delivery whose worker stopped mid-send
or whose task was lost, so nothing needs a scheduler beside the worker.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import DatabaseError, transaction
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from . import delivery
from .models import Delivery, Lead

logger = logging.getLogger(__name__)

SWEEP_EVERY = timedelta(minutes=2)


@task()
def deliver(delivery_id: int) -> str:
    """Sends one lead email or webhook; on failure it is queued again with a delay."""
    try:
        item = delivery.attempt(delivery_id, on_retry=lambda item: enqueue(item, item.next_attempt))
    except DatabaseError:
        # The database was busy or away (on SQLite, "database is locked").
        # Try again once any claim this attempt took has run out; should even
        # this fail, the sweep finds the delivery.
        logger.warning("delivery %s: database error, queued again", delivery_id, exc_info=True)
        deliver.using(run_after=timezone.now() + delivery.claim_length()).enqueue(delivery_id)
        raise
    return "gone" if item is None else item.status  # gone: deleted with its lead


@task()
def sweep() -> int:
    """Queues again every delivery that nothing would try again; the count."""
    try:
        with transaction.atomic():
            stuck = delivery.free_stuck()
            for item in stuck:
                deliver.enqueue(item.pk)
            if Delivery.objects.filter(status=Delivery.Status.PENDING).exists():
                ensure_sweep()
    except DatabaseError:
        sweep.using(run_after=timezone.now() + SWEEP_EVERY).enqueue()
        raise
    if stuck:
        logger.warning("queued %s stuck deliveries again", len(stuck))
    return len(stuck)


def ensure_sweep() -> None:
    """A sweep waiting to run, unless one is. Two queued at once both run;
    the first leaves the chain to the other."""
    waiting = DBTaskResult.objects.filter(
        task_path=sweep.module_path, status=TaskResultStatus.READY
    )
    if not waiting.exists():
        sweep.using(run_after=timezone.now() + SWEEP_EVERY).enqueue()


def enqueue(item: Delivery, at: datetime | None = None) -> None:
    """Queues one try of ``item``, now or ``at`` that time, and a sweep behind it."""
    (deliver.using(run_after=at) if at else deliver).enqueue(item.pk)
    ensure_sweep()


def queue_for(lead: Lead) -> list[Delivery]:
    """The lead's deliveries, each queued for the worker. Call inside the lead's transaction."""
    deliveries = delivery.create_for(lead)
    for item in deliveries:
        enqueue(item)
    return deliveries
