"""Django admin for digests: each person's choices, and which periods were sent or skipped."""

from django.contrib import admin

from feeds.digests.models import DigestPreference, DigestSent


@admin.register(DigestPreference)
class DigestPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "frequency", "updated"]
    list_filter = ["frequency", "community"]
    search_fields = ["user__handle", "user__email", "community__name"]
    raw_id_fields = ["user"]


@admin.register(DigestSent)
class DigestSentAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "frequency", "period_start", "outcome", "claimed_at"]
    list_filter = ["frequency", "outcome"]
    search_fields = ["user__handle", "user__email", "community__name"]
    date_hierarchy = "period_start"
    readonly_fields = [
        "user",
        "community",
        "frequency",
        "period_start",
        "period_end",
        "outcome",
        "claimed_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False
