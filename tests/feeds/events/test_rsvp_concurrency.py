"""Many people answering "going" at once to an event with N places: exactly N go, the rest
wait in the order they got the lock (real threads, PostgreSQL)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from communities.notifications.models import Notification
from communities.notifying import NotificationKind
from feeds.events.models import RSVP, RSVPStatus
from feeds.events.services.events import check_create_event
from feeds.events.services.rsvps import do_rsvp
from tests.factories import UserFactory, add_member, create_community

PLACES = 3
PEOPLE = 12


def all_at_once(work, people) -> None:
    barrier = threading.Barrier(len(people))

    def run(person):
        try:
            barrier.wait()
            work(person)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_answers_fill_exactly_the_places_and_queue_the_rest():
    community = create_community()
    people = [add_member(community, UserFactory()).user for _ in range(PEOPLE)]
    starts = timezone.now() + timedelta(days=2)
    event = check_create_event(
        community.owner,
        community,
        title="Launch tasting",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        time_zone="UTC",
        place="Shop",
        capacity=PLACES,
        body="Limited seats.",
        audience="community",
    )
    all_at_once(lambda person: do_rsvp(person, event, RSVPStatus.GOING), people)

    going = RSVP.objects.filter(event=event, status=RSVPStatus.GOING)
    waiting = RSVP.objects.filter(event=event, status=RSVPStatus.WAITLISTED).order_by(
        "waitlist_position"
    )
    assert going.count() == PLACES
    assert waiting.count() == PEOPLE - PLACES
    positions = list(waiting.values_list("waitlist_position", flat=True))
    assert positions == list(range(1, PEOPLE - PLACES + 1))
    # The queue is in the order the answers were recorded.
    times = list(waiting.values_list("responded_at", flat=True))
    assert times == sorted(times)

    # Everyone going gives up their place at once: the first PLACES of the queue go, in order.
    first_in_line = list(waiting.values_list("user_id", flat=True)[:PLACES])
    leaving = [rsvp.user for rsvp in going.select_related("user")]
    all_at_once(lambda person: do_rsvp(person, event, RSVPStatus.NOT_GOING), leaving)
    now_going = set(going.values_list("user_id", flat=True))
    assert now_going == set(first_in_line)
    assert set(
        Notification.objects.filter(kind=NotificationKind.EVENT_PLACE).values_list(
            "recipient", flat=True
        )
    ) == set(first_in_line)
    assert waiting.count() == PEOPLE - 2 * PLACES
