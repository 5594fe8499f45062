"""python manage.py requeue_deliveries: run hourly from a scheduler, beside purge_leads."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from calculator.agency import tasks
from calculator.models import Delivery


class Command(BaseCommand):
    help = (
        "Queues again every delivery still waiting well past its due time: one whose task "
        "was lost with a worker that died mid-run. A delivery is sent at most once, so a "
        "spare task is harmless."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--overdue-minutes",
            type=int,
            default=60,
            help="how late a waiting delivery must be (default 60)",
        )

    def handle(self, *args, overdue_minutes: int, **options) -> None:
        cutoff = timezone.now() - timedelta(minutes=overdue_minutes)
        overdue = Delivery.objects.filter(status=Delivery.Status.PENDING).filter(
            Q(next_attempt__lt=cutoff) | Q(next_attempt__isnull=True, created__lt=cutoff)
        )
        count = 0
        for item in overdue.iterator():
            tasks.enqueue(item)
            count += 1
        self.stdout.write(f"Queued {count} overdue deliver{'y' if count == 1 else 'ies'} again.")
