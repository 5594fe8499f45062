"""Embed profiles in the admin, with their daily counts alongside; staff approve them here."""

from __future__ import annotations

from django.contrib import admin

from .models import Delivery, EmbedDailyStat, EmbedProfile, Lead


class EmbedDailyStatInline(admin.TabularInline):
    """The counts are written by the embed only; here they are read."""

    model = EmbedDailyStat
    fields = ("day", "views", "calculations", "leads")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False


@admin.register(EmbedProfile)
class EmbedProfileAdmin(admin.ModelAdmin):
    list_display = ("agency_name", "slug", "owner", "approved", "lead_capture", "powered_by")
    list_filter = ("approved", "lead_capture")
    search_fields = ("agency_name", "slug", "owner__email")
    raw_id_fields = ("owner",)
    prepopulated_fields = {"slug": ("agency_name",)}
    inlines = [EmbedDailyStatInline]
    actions = ["approve", "withdraw_approval"]

    @admin.action(description="Approve: report emails carry the call to action and names")
    def approve(self, request, queryset) -> None:
        queryset.update(approved=True)

    @admin.action(description="Withdraw approval")
    def withdraw_approval(self, request, queryset) -> None:
        queryset.update(approved=False)


@admin.register(EmbedDailyStat)
class EmbedDailyStatAdmin(admin.ModelAdmin):
    list_display = ("day", "profile", "views", "calculations", "leads")
    list_filter = ("profile",)
    date_hierarchy = "day"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ("kind", "status", "attempts", "last_error", "next_attempt", "sent_at")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    """Every agency's leads, for the operator."""

    list_display = ("created", "email", "profile", "marketing_consent", "model_version")
    list_filter = ("marketing_consent", "profile")
    search_fields = ("email", "name", "profile__slug")
    date_hierarchy = "created"
    readonly_fields = (
        "profile",
        "email",
        "name",
        "result_url",
        "model_version",
        "marketing_consent",
        "consent_text",
        "consent_at",
        "created",
    )
    inlines = [DeliveryInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("created", "lead", "kind", "status", "attempts", "last_error")
    list_filter = ("status", "kind")
    readonly_fields = (
        "lead",
        "kind",
        "status",
        "attempts",
        "last_error",
        "next_attempt",
        "sent_at",
        "created",
    )

    def has_add_permission(self, request) -> bool:
        return False
