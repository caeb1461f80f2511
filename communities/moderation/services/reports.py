"""Filing reports and closing them.

A member reports what they can see: anything else is a 404, exactly as if it did not exist.
The report keeps a snapshot of the target as the reporter saw it. One open report per
reporter and target (a database constraint); enough different reporters hide content for
review at once (`automod.maybe_auto_hide`). Closing tells each reporter their report was
reviewed, and what came of it, but never who reviewed it.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.moderation.models import NOTE_MAX, Report, ReportReason, ReportStatus
from communities.moderation.services.automod import maybe_auto_hide
from communities.moderation.services.targets import Target, find_target
from communities.notifying import NotificationKind, notify
from sosoon_site.rate_limits import TokenBucket

# Ten reports per ten minutes each: enough for a bad thread, not for flooding the queue.
REPORT_RATE = TokenBucket("reports.file", capacity=10, per_seconds=600)
DUPLICATE_MESSAGE = gettext_lazy("You have already reported this; the moderators will look at it.")
REMOVED_MESSAGE = gettext_lazy("It was removed: there is nothing left to report.")


def do_file_report(reporter, target: Target, *, reason: str, note: str = "") -> Report:
    """Save the report with its snapshot, then apply the auto-hide threshold."""
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reporter=reporter,
                community=target.community,
                target_label=target.label,
                target_id=target.id,
                subject=target.subject,
                reason=reason,
                note=note,
                snapshot=target.snapshot(),
            )
            maybe_auto_hide(target)
    except IntegrityError:
        raise ValidationError(DUPLICATE_MESSAGE) from None
    return report


def check_file_report(
    reporter, *, label: str, target_id: int, reason: str, note: str = ""
) -> Report:
    """Report what `reporter` can see; Http404 for anything else, ValidationError for removed
    content, a bad reason, a note over NOTE_MAX, a report on oneself, or a duplicate."""
    target = find_target(label, target_id)
    if target is None or not target.visible_to(reporter):
        raise Http404("Nothing here.")
    if target.is_removed:
        raise ValidationError(REMOVED_MESSAGE)
    if reason not in ReportReason.values:
        raise ValidationError(_("Choose a reason from the list."))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(
            _("Keep the note under %(most)s characters (it has %(length)s).")
            % {"most": NOTE_MAX, "length": len(note)}
        )
    if target.subject is not None and target.subject.pk == reporter.pk:
        raise ValidationError(_("You cannot report yourself or your own content."))
    if Report.objects.filter(
        reporter=reporter, target_label=label, target_id=target.id, status=ReportStatus.OPEN
    ).exists():
        raise ValidationError(DUPLICATE_MESSAGE)
    REPORT_RATE.require(reporter.pk, action="reports")
    return do_file_report(reporter, target, reason=reason, note=note)


def open_reports_on(label: str, target_id: int):
    return Report.objects.filter(target_label=label, target_id=target_id, status=ReportStatus.OPEN)


def do_close_reports(
    label: str, target_id: int, *, status: ReportStatus, outcome: str
) -> list[Report]:
    """Close every open report on the target and tell each reporter the outcome. Caller is
    in the action's transaction."""
    reports = list(open_reports_on(label, target_id).select_related("community"))
    now = timezone.now()
    for report in reports:
        report.status = status
        report.handled_at = now
        report.outcome = outcome
        report.save(update_fields=["status", "handled_at", "outcome"])
        notify(
            [report.reporter_id],
            kind=NotificationKind.REPORT_HANDLED,
            actor=None,
            target=report,
            community=report.community,
        )
    return reports
