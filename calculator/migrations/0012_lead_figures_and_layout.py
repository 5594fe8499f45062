"""A lead keeps where it was captured (the host page), its result's canonical
query and its headline figures, so that an agency can qualify it without
opening the result; older leads keep these empty. A profile chooses the
embed's layout."""

from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("calculator", "0011_dark_logo_light_theme"),
    ]

    operations = [
        migrations.AddField(
            model_name="embedprofile",
            name="layout",
            field=models.CharField(
                blank=True,
                choices=[
                    ("full", "Full: every section in turn"),
                    ("compact", "Compact: the verdict, the key figures and the lead form first"),
                ],
                default="full",
                help_text="The snippet's layout= overrides it.",
                max_length=7,
                verbose_name="layout",
            ),
        ),
        migrations.AddField(
            model_name="lead",
            name="breakeven_cpa_gain",
            field=models.FloatField(
                blank=True,
                help_text="The fall in true CPA at which it breaks even (fraction).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="lead",
            name="currency",
            field=models.CharField(blank=True, max_length=3),
        ),
        migrations.AddField(
            model_name="lead",
            name="decision",
            field=models.CharField(
                blank=True,
                choices=[
                    ("pays", "Pays"),
                    ("does-not-pay", "Does not pay"),
                    ("uncertain", "Too close to call"),
                ],
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="lead",
            name="estimated_cpa_gain",
            field=models.FloatField(
                blank=True,
                help_text="The fall in true CPA the result expects (fraction).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="lead",
            name="google_spend",
            field=models.FloatField(blank=True, help_text="Monthly Google Ads spend.", null=True),
        ),
        migrations.AddField(
            model_name="lead",
            name="host_page",
            field=models.URLField(
                blank=True,
                help_text="The agency's page that showed the embed, as its loader reported it.",
                max_length=500,
            ),
        ),
        migrations.AddField(
            model_name="lead",
            name="months",
            field=models.PositiveSmallIntegerField(blank=True, help_text="The horizon.", null=True),
        ),
        migrations.AddField(
            model_name="lead",
            name="net",
            field=models.FloatField(blank=True, help_text="Net over the horizon.", null=True),
        ),
        migrations.AddField(
            model_name="lead",
            name="query",
            field=models.CharField(
                blank=True, help_text="The result's canonical query.", max_length=1000
            ),
        ),
        migrations.AddField(
            model_name="lead",
            name="spend",
            field=models.FloatField(blank=True, help_text="Monthly Meta spend.", null=True),
        ),
        migrations.AddField(
            model_name="lead",
            name="tiktok_spend",
            field=models.FloatField(blank=True, help_text="Monthly TikTok spend.", null=True),
        ),
    ]
