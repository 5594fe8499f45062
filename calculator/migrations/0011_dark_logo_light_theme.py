"""A logo for dark backgrounds, and light as a new profile's theme.

Only the default changes: existing profiles keep the theme they have stored
(most say "auto", follow the visitor), so no embed already on a site changes
its look without its agency choosing it. The dashboard offers the choice.
"""

from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("calculator", "0010_heartbeat"),
    ]

    operations = [
        migrations.AddField(
            model_name="embedprofile",
            name="logo_dark_digest",
            field=models.CharField(blank=True, editable=False, max_length=16),
        ),
        migrations.AddField(
            model_name="embedprofile",
            name="logo_dark_png",
            field=models.BinaryField(blank=True, default=b""),
        ),
        migrations.AlterField(
            model_name="embedprofile",
            name="theme",
            field=models.CharField(
                choices=[
                    ("auto", "Follow the visitor's setting"),
                    ("light", "Light"),
                    ("dark", "Dark"),
                ],
                default="light",
                max_length=5,
                verbose_name="theme",
            ),
        ),
    ]
