"""python manage.py requeue_deliveries: the worker's sweep, at once, by hand.

The worker sweeps by itself every few minutes (calculator/agency/tasks.py),
so no scheduler needs to run this. It is for an operator who wants it done
now: after restoring a database, say, whose queued tasks are gone.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction

from calculator.agency import delivery, tasks


class Command(BaseCommand):
    help = (
        "Queues again at once every delivery that nothing would try again: one whose "
        "worker stopped mid-send, or still waiting well past its due time because its task "
        "was lost. The worker does this by itself every few minutes. Delivery is at least "
        "once: a sent delivery is never queued again, but a worker that stopped after "
        "sending and before recording it sends it again (with the same delivery id)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--overdue-minutes",
            type=int,
            default=int(delivery.OVERDUE.total_seconds() // 60),
            help="how late an unclaimed waiting delivery must be (default %(default)s)",
        )

    def handle(self, *args, overdue_minutes: int, **options) -> None:
        with transaction.atomic():
            stuck = delivery.free_stuck(timedelta(minutes=overdue_minutes))
            for item in stuck:
                tasks.enqueue(item)
        count = len(stuck)
        self.stdout.write(f"Queued {count} overdue deliver{'y' if count == 1 else 'ies'} again.")
