"""Reminders 24 hours and 1 hour before, in-app and by email, once each, on a frozen clock
(`now` is given to the job's service, as the scheduler's clock would say it)."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection

from communities.models import MembershipStatus
from communities.notifications.models import Notification
from communities.notifying import NotificationKind
from feeds.events.models import EventReminder, RSVPStatus
from feeds.events.services.events import check_cancel_event
from feeds.events.services.reminders import send_due_reminders
from feeds.events.services.rsvps import do_rsvp
from feeds.events.tasks import send_event_reminders
from sosoon_site.jobs import SCHEDULES
from tests.catalogs import compile_catalogs


def reminded(person) -> int:
    return Notification.objects.filter(
        recipient=person, kind=NotificationKind.EVENT_REMINDER
    ).count()


def mails_to(person) -> list:
    return [message for message in mail.outbox if message.to == [person.email]]


def test_the_day_and_hour_reminders_each_arrive_once(event_factory, people):
    event = event_factory(starts_in=timedelta(days=3))
    do_rsvp(people[0], event, RSVPStatus.GOING)
    do_rsvp(people[1], event, RSVPStatus.MAYBE)
    start = event.starts_at

    assert send_due_reminders(start - timedelta(hours=25)) == 0
    assert send_due_reminders(start - timedelta(hours=23, minutes=59)) == 1
    assert send_due_reminders(start - timedelta(hours=20)) == 0
    assert [m.subject for m in mails_to(people[0])] == [
        "Reminder: Orange wine tasting starts tomorrow"
    ]
    assert "The event: http://localhost:8000/e/" in mails_to(people[0])[0].body

    assert send_due_reminders(start - timedelta(minutes=59)) == 1
    assert send_due_reminders(start - timedelta(minutes=10)) == 0
    assert send_due_reminders(start + timedelta(minutes=1)) == 0
    assert reminded(people[0]) == 2 and reminded(people[1]) == 0
    assert mails_to(people[0])[-1].subject == "Reminder: Orange wine tasting starts in an hour"
    assert not mails_to(people[1])


def test_a_late_answer_gets_only_the_reminder_still_ahead(event_factory, people):
    event = event_factory(starts_in=timedelta(days=3))
    start = event.starts_at
    do_rsvp(people[0], event, RSVPStatus.GOING)
    assert send_due_reminders(start - timedelta(minutes=30)) == 1
    assert EventReminder.objects.get().kind == "1h"


def test_no_reminder_for_a_cancelled_event_or_someone_who_lost_access(
    event_factory, people, community, author
):
    event = event_factory(starts_in=timedelta(days=3))
    do_rsvp(people[0], event, RSVPStatus.GOING)
    do_rsvp(people[1], event, RSVPStatus.GOING)
    people[1].memberships.filter(community=community).update(status=MembershipStatus.LEFT)
    assert send_due_reminders(event.starts_at - timedelta(hours=2)) == 1
    assert reminded(people[1]) == 0 and not mails_to(people[1])
    cancelled = event_factory(starts_in=timedelta(days=3), title="Cancelled one")
    do_rsvp(people[0], cancelled, RSVPStatus.GOING)
    check_cancel_event(author, cancelled.pk)
    assert send_due_reminders(cancelled.starts_at - timedelta(hours=2)) == 0


def test_the_job_is_scheduled_every_minute(db):
    assert {
        "name": "event-reminders",
        "func": "feeds.events.tasks.send_event_reminders",
        "schedule_type": "I",
        "minutes": 1,
    } in SCHEDULES
    assert send_event_reminders() == "sent 0 event reminder(s)"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_remind_each_person_exactly_once(event_factory, people):
    event = event_factory(starts_in=timedelta(days=3))
    for person in people:
        do_rsvp(person, event, RSVPStatus.GOING)
    now = event.starts_at - timedelta(minutes=30)
    barrier = threading.Barrier(2)
    sent = []

    def worker():
        try:
            barrier.wait()
            sent.append(send_due_reminders(now))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(sent) == len(people)
    assert EventReminder.objects.count() == len(people)
    for person in people:
        assert reminded(person) == 1
        assert len(mails_to(person)) == 1


def test_each_reminder_is_written_in_its_readers_language(event_factory, people):
    """The job runs in the site's language; a member who chose Bulgarian reads Bulgarian."""
    compile_catalogs()
    bulgarian, english = people[0], people[1]
    bulgarian.language = "bg"
    bulgarian.save(update_fields=["language"])
    event = event_factory(starts_in=timedelta(days=3))
    do_rsvp(bulgarian, event, RSVPStatus.GOING)
    do_rsvp(english, event, RSVPStatus.GOING)
    send_due_reminders(event.starts_at - timedelta(hours=23))
    assert [m.subject for m in mails_to(bulgarian)] == [
        "Напомняне: „Orange wine tasting“ започва утре"
    ]
    assert [m.subject for m in mails_to(english)] == [
        "Reminder: Orange wine tasting starts tomorrow"
    ]
