"""Leads captured by an agency's embed, and the deliveries each one triggers.

Imported by calculator/models.py, so they belong to the calculator app and
live beside the embed profile they point at.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.email} ({self.profile.slug})"


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
