"""Leads captured by an agency's embed, and the deliveries each one triggers.

Imported by calculator/models.py, so they belong to the calculator app and
live beside the embed profile they point at.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from calculator.forms import MAX_QUERY
from calculator.sharing.links import host_link

# summary.decision's answers, as the dashboard words them.
DECISIONS = [
    ("pays", _("Pays")),
    ("does-not-pay", _("Does not pay")),
    ("uncertain", _("Too close to call")),
]


class Lead(models.Model):
    """A visitor who asked for their report by email inside an agency's embed."""

    profile = models.ForeignKey(
        "calculator.EmbedProfile", on_delete=models.CASCADE, related_name="leads"
    )
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=100, blank=True)
    result_url = models.URLField(
        max_length=1200, help_text="The result's canonical link, with every input and v."
    )
    model_version = models.PositiveSmallIntegerField()
    marketing_consent = models.BooleanField(default=False)
    consent_text = models.TextField(
        blank=True, help_text="The wording the visitor agreed to, as shown."
    )
    consent_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    # Where and on what the lead was captured, kept as figures so that an agency
    # can sort and qualify its leads without opening each result. Leads stored
    # before these columns existed have them empty.
    host_page = models.URLField(
        max_length=500,
        blank=True,
        help_text="The agency's page that showed the embed, as its loader reported it.",
    )
    query = models.CharField(
        max_length=MAX_QUERY, blank=True, help_text="The result's canonical query."
    )
    currency = models.CharField(max_length=3, blank=True)
    spend = models.FloatField(null=True, blank=True, help_text="Monthly Meta spend.")
    google_spend = models.FloatField(null=True, blank=True, help_text="Monthly Google Ads spend.")
    tiktok_spend = models.FloatField(null=True, blank=True, help_text="Monthly TikTok spend.")
    decision = models.CharField(max_length=12, blank=True, choices=DECISIONS)
    months = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The horizon.")
    net = models.FloatField(null=True, blank=True, help_text="Net over the horizon.")
    breakeven_cpa_gain = models.FloatField(
        null=True, blank=True, help_text="The fall in true CPA at which it breaks even (fraction)."
    )
    estimated_cpa_gain = models.FloatField(
        null=True, blank=True, help_text="The fall in true CPA the result expects (fraction)."
    )

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.email} ({self.profile.slug})"

    @property
    def link(self) -> str:
        """The result where the visitor saw it: on the agency's page when the
        embed's loader reported one, else on this site."""
        return host_link(self.host_page, self.query) if self.host_page else self.result_url


class Delivery(models.Model):
    """One message about a lead: its log of attempts, written by the worker."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Report to the visitor")
        AGENCY_EMAIL = "agency_email", _("Email to the agency")
        WEBHOOK = "webhook", _("Webhook")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Delivered")
        FAILED = "failed", _("Gave up")

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt = models.DateTimeField(null=True, blank=True)
    # Set while a worker sends it, to when that worker's try must have ended
    # (the send deadline and a margin): a later time frees it for another try.
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for lead {self.lead_id}: {self.status}"
