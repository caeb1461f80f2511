"""Django admin for site moderators: the report queue, held content, auto-moderation settings
and the read-only moderation log.

Admin actions ask for a reason on an intermediate page, then call the same service as the
in-app queue (`check_moderation_action`), one target at a time, so bulk actions are
authorised, logged and notified exactly like single ones. The log is read-only here for
everyone, superusers included.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.timezone import localtime

from communities.moderation.forms import AutoModerationForm
from communities.moderation.models import (
    REASON_MAX,
    AutoModeration,
    ModerationAction,
    Report,
    WithheldContent,
)
from communities.moderation.services.actions import (
    MUTE_CHOICES,
    QUEUE_ACTIONS,
    SITE_ACTIONS,
    check_moderation_action,
)
from communities.moderation.services.authority import is_site_moderator


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="The member reads this. Reporters are only told the report was handled.",
    )
    duration = forms.ChoiceField(
        required=False,
        label="Mute for",
        choices=[("", "—")] + [(key, label) for key, (label, _) in MUTE_CHOICES.items()],
    )


def readable_snapshot(snapshot) -> str:
    """A report's or held item's snapshot as a moderator reads it: the text quoted, then who
    wrote it, when, and for whom (escaped), instead of its JSON."""
    if not isinstance(snapshot, dict) or not snapshot:
        return "—"
    created = parse_datetime(snapshot.get("created") or "")
    when = date_format(localtime(created), "DATETIME_FORMAT") if created else ""
    about = " · ".join(
        part for part in (snapshot.get("author", ""), when, snapshot.get("audience", "")) if part
    )
    return format_html(
        '<blockquote style="margin:0;white-space:pre-wrap">{}</blockquote><p>{}</p>',
        snapshot.get("text", ""),
        about,
    )


class ModerationActionsMixin:
    """Admin actions named after QUEUE_ACTIONS and SITE_ACTIONS, run on each selected row's
    target through the moderation services."""

    def has_moderate_permission(self, request) -> bool:
        return is_site_moderator(request.user)

    def targets_of(self, queryset) -> list[tuple[str, int]]:
        seen = dict.fromkeys(queryset.values_list("target_label", "target_id"))
        return list(seen)

    def run_moderation_action(self, request, queryset, action: str):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if action != "mute":
            # Only a mute lasts; warning, hiding or deleting asks for a reason alone.
            del form.fields["duration"]
        if form.is_bound and form.is_valid():
            done, problems = 0, []
            for label, target_id in self.targets_of(queryset):
                try:
                    check_moderation_action(
                        request.user,
                        action,
                        label,
                        target_id,
                        reason=form.cleaned_data["reason"],
                        duration=form.cleaned_data.get("duration", ""),
                    )
                except (ValidationError, PermissionDenied, Http404) as error:
                    text = (
                        " ".join(error.messages)
                        if isinstance(error, ValidationError)
                        else str(error) or "Not found."
                    )
                    problems.append(f"{label} {target_id}: {text}")
                else:
                    done += 1
            self.message_user(request, f"Done on {done} target(s).", messages.SUCCESS)
            for problem in problems:
                self.message_user(request, problem, messages.WARNING)
            return None
        return TemplateResponse(
            request,
            "admin/communities/moderation_reason.html",
            {
                **self.admin_site.each_context(request),
                "title": f"{ALL_ACTIONS[action]}: give a reason",
                "form": form,
                "action": f"{action}_selected",
                "action_title": ALL_ACTIONS[action],
                "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
                "targets": self.targets_of(queryset),
                "opts": self.model._meta,
            },
        )


ALL_ACTIONS = {**QUEUE_ACTIONS, **SITE_ACTIONS}


def _admin_action(name: str):
    def run(model_admin, request, queryset):
        return model_admin.run_moderation_action(request, queryset, name)

    run.__name__ = f"{name}_selected"
    return admin.action(description=ALL_ACTIONS[name], permissions=["moderate"])(run)


MODERATION_ADMIN_ACTIONS = [_admin_action(name) for name in ALL_ACTIONS]


@admin.register(Report)
class ReportAdmin(ModerationActionsMixin, admin.ModelAdmin):
    list_display = [
        "created",
        "reason",
        "target_label",
        "reported_text",
        "community",
        "reporter",
        "subject",
        "status",
    ]
    list_filter = [
        "status",
        "reason",
        "target_label",
        ("community", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["note", "reporter__handle", "subject__handle", "community__name"]
    date_hierarchy = "created"
    list_select_related = ["community", "reporter", "subject"]
    readonly_fields = [
        "reporter",
        "community",
        "target_label",
        "target_id",
        "subject",
        "reason",
        "note",
        "reported_snapshot",
        "status",
        "created",
        "handled_at",
        "outcome",
    ]
    exclude = ["snapshot"]
    actions = MODERATION_ADMIN_ACTIONS

    @admin.display(description="What was reported, as the reporter saw it")
    def reported_snapshot(self, report: Report) -> str:
        return readable_snapshot(report.snapshot)

    @admin.display(description="Reported content (snapshot)")
    def reported_text(self, report: Report) -> str:
        return Truncator(report.snapshot.get("text", "")).chars(80)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WithheldContent)
class WithheldContentAdmin(ModerationActionsMixin, admin.ModelAdmin):
    list_display = [
        "created",
        "state",
        "target_label",
        "target_id",
        "community",
        "author",
        "reason",
    ]
    list_filter = ["state", "target_label", ("community", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["reason", "author__handle", "community__name"]
    date_hierarchy = "created"
    list_select_related = ["community", "author"]
    readonly_fields = [
        "community",
        "target_label",
        "target_id",
        "author",
        "state",
        "reason",
        "held_snapshot",
        "created",
    ]
    # The reason's words are what readers see in their language; the admin reads its English.
    exclude = ["snapshot", "reason_words"]
    actions = MODERATION_ADMIN_ACTIONS

    @admin.display(description="What is withheld, as it was written")
    def held_snapshot(self, withheld: WithheldContent) -> str:
        return readable_snapshot(withheld.snapshot)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AutoModerationAdminForm(AutoModerationForm):
    class Meta(AutoModerationForm.Meta):
        fields = ["community", *AutoModerationForm.Meta.fields]


@admin.register(AutoModeration)
class AutoModerationAdmin(admin.ModelAdmin):
    form = AutoModerationAdminForm
    list_display = ["community", "filter_action", "new_member_holds", "auto_hide_reports"]
    list_filter = ["filter_action"]
    search_fields = ["community__name", "blocked_words"]
    autocomplete_fields = ["community"]
    list_select_related = ["community"]


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The audit log, read-only for everyone: no add, change or delete, superusers too."""

    list_display = [
        "created",
        "action",
        "actor",
        "subject",
        "community_name",
        "target_label",
        "target_id",
        "short_reason",
    ]
    list_filter = ["action", "target_label", ("community", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["reason", "actor__handle", "subject__handle", "community_name"]
    date_hierarchy = "created"
    list_select_related = ["actor", "subject"]
    readonly_fields = [
        "actor",
        "action",
        "community",
        "community_name",
        "target_label",
        "target_id",
        "subject",
        "reason",
        "before",
        "after",
        "created",
    ]
    # The reason's words are what readers see in their language; the admin reads its English.
    exclude = ["reason_words"]
    actions = None

    @admin.display(description="Reason")
    def short_reason(self, entry: ModerationAction) -> str:
        return Truncator(entry.reason).chars(80)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
