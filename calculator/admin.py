"""Embed profiles in the admin, with their daily counts alongside."""

from __future__ import annotations

from django.contrib import admin

from .models import EmbedDailyStat, EmbedProfile


class EmbedDailyStatInline(admin.TabularInline):
    """The counts are written by the embed only; here they are read."""

    model = EmbedDailyStat
    fields = ("day", "views", "calculations")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False


@admin.register(EmbedProfile)
class EmbedProfileAdmin(admin.ModelAdmin):
    list_display = ("agency_name", "slug", "powered_by")
    search_fields = ("agency_name", "slug")
    prepopulated_fields = {"slug": ("agency_name",)}
    inlines = [EmbedDailyStatInline]


@admin.register(EmbedDailyStat)
class EmbedDailyStatAdmin(admin.ModelAdmin):
    list_display = ("day", "profile", "views", "calculations")
    list_filter = ("profile",)
    date_hierarchy = "day"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
