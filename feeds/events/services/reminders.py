"""Reminders to the people going, 24 hours and 1 hour before an event, in-app and by email.

A periodic job (sosoon_site/jobs.py) finds reminders that are due and, for each person,
claims an `EventReminder` row (unique per event, person and kind) in the same transaction as
the notification and the queued mail (sosoon_site/mail: the outbox sends it later). A second
worker racing for the same reminder fails to claim the row and sends nothing, so nobody is
reminded twice; a worker that dies before committing leaves no row, and the next run sends it.
Who is reminded is read through the policy at send time (`notify()` keeps only the post's
audience), so someone who has lost access hears nothing.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.notifying import NotificationKind, notify
from feeds.events.models import RSVP, Event, EventReminder, ReminderKind, RSVPStatus
from feeds.policy import audience_of
from sosoon_site.accounts.models import User
from sosoon_site.claims import claim_once
from sosoon_site.languages import in_language_of

# How long before the start each reminder falls due. A reminder whose window has passed (an
# event made 2 hours ahead gets no "tomorrow" reminder) is never sent late.
LEAD_TIMES = {ReminderKind.DAY: timedelta(hours=24), ReminderKind.HOUR: timedelta(hours=1)}


def due_reminders(now=None) -> list[tuple[Event, str, list[int]]]:
    """(event, kind, people going and not yet reminded) for every reminder due now."""
    now = now or timezone.now()
    due = []
    for kind, lead in LEAD_TIMES.items():
        shorter = [other for other in LEAD_TIMES.values() if other < lead]
        window_end = now + lead
        window_start = now + max(shorter) if shorter else now
        events = Event.objects.filter(
            cancelled_at__isnull=True,
            post__deleted__isnull=True,
            starts_at__gt=window_start,
            starts_at__lte=window_end,
        ).select_related("post__community")
        for event in events:
            reminded = EventReminder.objects.filter(event=event, kind=kind).values("user_id")
            people = list(
                RSVP.objects.filter(event=event, status=RSVPStatus.GOING)
                .exclude(user_id__in=reminded)
                .values_list("user_id", flat=True)
            )
            if people:
                due.append((event, kind, people))
    return due


def do_send_reminder(event: Event, kind: str, user) -> bool:
    """Claim and send one reminder; False when it was claimed already (by this run or
    another worker) or `user` may no longer see the event."""
    with transaction.atomic():
        if not audience_of(event.post).filter(pk=user.pk).exists():
            return False
        if claim_once(EventReminder, event=event, user=user, kind=kind) is None:
            return False
        notify([user], kind=NotificationKind.EVENT_REMINDER, actor=None, target=event.post)
        link = settings.SOSOON_SITE_URL + event.get_absolute_url()
        with in_language_of(user):
            body = render_to_string(
                "feeds/events/email/reminder.txt",
                {"event": event, "user": user, "link": link, "kind": kind},
            )
            if kind == ReminderKind.DAY:
                subject = _("Reminder: %(title)s starts tomorrow")
            else:
                subject = _("Reminder: %(title)s starts in an hour")
        EmailMessage(subject % {"title": event.title}, body, to=[user.email]).send()
    return True


def send_due_reminders(now=None) -> int:
    """Send every reminder due now, once each; the number sent."""
    sent = 0
    for event, kind, people in due_reminders(now):
        for user in User.objects.filter(pk__in=people):
            sent += do_send_reminder(event, kind, user)
    return sent
