"""python manage.py export_leads SLUG > leads.csv"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from calculator.agency.export import write_leads_csv
from calculator.embeds.models import control_characters
from calculator.models import EmbedProfile


def visible(text: str) -> str:
    """``text`` with each control or format character written as its code
    (\\u001b, \\u202e): a terminal shows the CSV as it is, never runs an escape
    in a visitor's name or reverses the line after it."""
    for character in set(control_characters(text)):
        text = text.replace(character, f"\\u{ord(character):04x}")
    return text


class VisibleLines:
    """An output for csv.writer, which writes each row in one call ending with
    its line terminator: everything before that terminator is made visible."""

    def __init__(self, out) -> None:
        self.out = out

    def write(self, row: str) -> None:
        line = row.removesuffix("\r\n")
        self.out.write(visible(line) + row[len(line) :])


class Command(BaseCommand):
    help = "Prints a profile's leads as CSV, oldest first, with the dashboard's columns."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug")

    def handle(self, *args, slug: str, **options) -> None:
        profile = EmbedProfile.objects.filter(slug=slug).first()
        if profile is None:
            raise CommandError(f"No embed profile has the slug {slug!r}.")
        write_leads_csv(VisibleLines(self.stdout), profile.leads.all())
