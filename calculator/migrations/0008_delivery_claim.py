"""A delivery records how long a worker holds it while sending (Delivery.claimed_until)."""

from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("calculator", "0007_card_cache_table"),
    ]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="claimed_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
