"""Moderation's own records as content, so members can be notified about them: a notice (a
log entry, seen only by the person it is about) and a reviewed report (seen only by its
reporter)."""

from django.urls import reverse

from communities.content import ContentKind, register_content
from communities.moderation.models import ModerationAction, Report
from sosoon_site.accounts.models import User


def register_moderation_content() -> None:
    """Register the kinds members are told about themselves: notices and reviewed reports."""
    register_content(
        ContentKind(
            label="moderation_notice",
            model=ModerationAction,
            visible_to=lambda user: ModerationAction.objects.filter(subject=user),
            audience=lambda entry: User.objects.filter(pk=entry.subject_id),
            url=lambda entry: reverse("communities:moderation_notice", args=[entry.pk]),
            summary=lambda entry: entry.get_action_display(),
            community=lambda entry: entry.community,
        )
    )
    register_content(
        ContentKind(
            label="report",
            model=Report,
            visible_to=lambda user: Report.objects.filter(reporter=user),
            audience=lambda report: User.objects.filter(pk=report.reporter_id),
            url=lambda report: reverse("communities:report_notice", args=[report.pk]),
            summary=lambda report: report.get_reason_display(),
            community=lambda report: report.community,
        )
    )
