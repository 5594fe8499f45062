"""The table of rendered answers and social cards (CACHES["rendered"]).

`createcachetable` makes every missing cache table and leaves the others as
they are, so a database set up before this table existed gets it on migrate.
"""

from __future__ import annotations

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("calculator", "0004_agencies"),
    ]

    operations = [
        migrations.RunPython(create_cache_tables, migrations.RunPython.noop),
    ]
