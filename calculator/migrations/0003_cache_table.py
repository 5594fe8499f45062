"""The rate counters' table, and the cache table, so that `migrate` is the whole setup.

The cache table is what `manage.py createcachetable` makes for each
DatabaseCache in settings.CACHES (it skips tables that exist already).
"""

from __future__ import annotations

from django.core.management import call_command
from django.db import migrations, models


def create_cache_tables(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("calculator", "0002_embed_profiles"),
    ]

    operations = [
        migrations.CreateModel(
            name="RateCounter",
            fields=[
                ("key", models.CharField(max_length=200, primary_key=True, serialize=False)),
                ("count", models.PositiveIntegerField()),
                (
                    "ends",
                    models.FloatField(
                        db_index=True, help_text="When the window ends, in Unix time."
                    ),
                ),
            ],
        ),
        migrations.RunPython(create_cache_tables, migrations.RunPython.noop),
    ]
