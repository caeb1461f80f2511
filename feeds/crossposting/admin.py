"""Django admin for connected accounts (never their tokens) and cross-posts."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from feeds.crossposting.models import CrossPost, ExternalAccount
from feeds.crossposting.services.scheduling import do_retry


@admin.register(ExternalAccount)
class ExternalAccountAdmin(admin.ModelAdmin):
    list_display = ["__str__", "community", "platform", "status", "connected_at", "disconnected_at"]
    list_filter = ["platform", "status", "community"]
    search_fields = ["handle", "community__name"]
    # The token columns are excluded outright: not shown, not editable, not in any form. The
    # reason's words are what readers see in their language; the admin reads its English.
    exclude = ["access_token_ciphertext", "refresh_token_ciphertext", "status_reason_words"]
    readonly_fields = [
        "community",
        "platform",
        "external_id",
        "handle",
        "access_expires_at",
        "refresh_expires_at",
        "scopes",
        "connected_by",
        "connected_at",
        "disconnected_at",
    ]

    def save_model(self, request, obj, form, change):
        if "status_reason" in form.changed_data:
            obj.status_reason_words = None  # now a person's words, shown as written
        super().save_model(request, obj, form, change)


@admin.register(CrossPost)
class CrossPostAdmin(admin.ModelAdmin):
    list_display = ["pk", "account", "status", "scheduled_at", "published_at", "attempts"]
    list_filter = ["status", "account__platform", "account__community"]
    search_fields = ["text", "external_id", "ref_code"]
    date_hierarchy = "scheduled_at"
    raw_id_fields = ["post", "account", "created_by", "invitation"]
    readonly_fields = [
        "ref_code",
        "progress",
        "attempts",
        "claim",
        "claimed_at",
        "next_attempt_at",
        "request_sent_at",
        "publish_id",
        "polls",
        "external_id",
        "external_url",
        "published_at",
        "visit_count",
    ]
    # The reason's words are what readers see in their language; the admin reads its English.
    exclude = ["reason_words"]
    actions = ["retry"]

    def save_model(self, request, obj, form, change):
        if "reason" in form.changed_data:
            obj.reason_words = None  # now a person's words, shown as written
        super().save_model(request, obj, form, change)

    @admin.action(description="Retry (needs-review rows: only after checking the platform)")
    def retry(self, request, queryset):
        retried = 0
        for crosspost in queryset:
            try:
                # Choosing this action for a needs-review row is the admin's confirmation.
                do_retry(crosspost, checked_platform=True)
            except ValidationError as error:
                self.message_user(
                    request, f"{crosspost}: {' '.join(error.messages)}", messages.WARNING
                )
            else:
                retried += 1
        self.message_user(request, f"{retried} cross-post(s) will be sent at the next dispatch.")
