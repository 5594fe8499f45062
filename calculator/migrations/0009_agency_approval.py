"""A profile's report emails carry its call to action and the visitor's name
only once the site's staff approve it; its name and call to action hold no
control characters."""

from __future__ import annotations

from django.db import migrations, models

import calculator.embeds.models


class Migration(migrations.Migration):
    dependencies = [
        ("calculator", "0008_delivery_claim"),
    ]

    operations = [
        migrations.AddField(
            model_name="embedprofile",
            name="approved",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Set by the site's staff: its report emails may carry the visitor's name "
                    "and the call to action."
                ),
                verbose_name="approved",
            ),
        ),
        migrations.AlterField(
            model_name="embedprofile",
            name="agency_name",
            field=models.CharField(
                max_length=100,
                validators=[calculator.embeds.models.validate_plain_text],
                verbose_name="name",
            ),
        ),
        migrations.AlterField(
            model_name="embedprofile",
            name="cta_label",
            field=models.CharField(
                blank=True,
                help_text="e.g. Book a tracking audit",
                max_length=60,
                validators=[calculator.embeds.models.validate_plain_text],
                verbose_name="call to action label",
            ),
        ),
    ]
