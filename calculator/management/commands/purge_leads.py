"""python manage.py purge_leads: run daily from a scheduler (cron, a systemd timer)."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from calculator.models import EmbedProfile, Lead


class Command(BaseCommand):
    help = (
        "Deletes leads older than their profile's retention (its 'keep leads for' days), "
        "with their delivery logs. Safe to run as often as you like."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args, dry_run: bool, **options) -> None:
        now = timezone.now()
        total = 0
        with_leads = EmbedProfile.objects.filter(leads__isnull=False).distinct()
        for days in with_leads.values_list("lead_retention_days", flat=True).distinct():
            expired = Lead.objects.filter(
                profile__lead_retention_days=days, created__lt=now - timedelta(days=days)
            )
            total += expired.count()
            if not dry_run:
                expired.delete()
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {total} lead{'s' if total != 1 else ''} past their retention.")
