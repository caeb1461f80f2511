"""Outgoing mail for staff: what waits, what failed and why. Bodies are not shown: they hold
sign-in and password-reset links."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sosoon_site.mail.models import OutgoingMail
from sosoon_site.mail.outbox import retry_now


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "recipient_list",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "last_error",
    ]
    list_filter = ["status"]
    search_fields = ["subject", "recipients", "last_error"]
    date_hierarchy = "created_at"
    fields = [
        "subject",
        "recipients",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "last_error",
    ]
    readonly_fields = fields
    actions = ["send_again"]

    @admin.display(description=_("to"))
    def recipient_list(self, mail: OutgoingMail) -> str:
        return ", ".join(mail.recipients)

    @admin.action(description=_("Send again now (failed or waiting mail)"))
    def send_again(self, request, queryset):
        count = retry_now(queryset)
        said = ngettext(
            "%(count)d message will be sent again.", "%(count)d messages will be sent again.", count
        )
        self.message_user(request, said % {"count": count}, messages.SUCCESS)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
