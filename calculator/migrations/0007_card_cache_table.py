"""Social cards get a cache table of their own (CACHES["cards"]); the table of
rendered answers they shared (CACHES["rendered"]) goes, as nothing keeps
rendered answers any more.

`createcachetable` makes every missing cache table and leaves the others as
they are; the old table may be missing already (a database set up with REDIS_URL).
"""

from __future__ import annotations

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("calculator", "0006_embed_profile_language"),
    ]

    operations = [
        migrations.RunPython(create_cache_tables, migrations.RunPython.noop),
        migrations.RunSQL("DROP TABLE IF EXISTS rendered_cache", migrations.RunSQL.noop),
    ]
