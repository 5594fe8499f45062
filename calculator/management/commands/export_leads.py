"""python manage.py export_leads SLUG > leads.csv"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from calculator.agency.views import write_leads_csv
from calculator.models import EmbedProfile


class Command(BaseCommand):
    help = "Prints a profile's leads as CSV, oldest first, with the dashboard's columns."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug")

    def handle(self, *args, slug: str, **options) -> None:
        profile = EmbedProfile.objects.filter(slug=slug).first()
        if profile is None:
            raise CommandError(f"No embed profile has the slug {slug!r}.")
        write_leads_csv(self.stdout, profile.leads.all())
