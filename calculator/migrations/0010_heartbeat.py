"""The health probe's heartbeat rows: /healthz commits a write to one, as the
site's own writes must commit, instead of rolling back a write that never
reached the database file."""

from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("calculator", "0009_agency_approval"),
    ]

    operations = [
        migrations.CreateModel(
            name="Heartbeat",
            fields=[
                ("key", models.CharField(max_length=200, primary_key=True, serialize=False)),
                (
                    "beat",
                    models.DateTimeField(help_text="When the probe last committed this row."),
                ),
            ],
        ),
    ]
