"""Answering events: going, maybe, can't go; the waitlist and its promotions."""

from datetime import timedelta

import pytest
from django.urls import reverse

from communities.notifications.models import Notification
from communities.notifying import NotificationKind
from feeds.events.models import RSVP, RSVPStatus
from feeds.events.services.rsvps import do_rsvp
from feeds.models import Audience


def rsvp_url(event) -> str:
    return reverse("events:rsvp", kwargs={"event_id": event.pk})


def answer(client, event, value, **kwargs):
    return client.post(rsvp_url(event), {"answer": value}, follow=True, **kwargs)


def status_of(event, person) -> str | None:
    row = RSVP.objects.filter(event=event, user=person).first()
    return row.status if row else None


def test_a_member_answers_and_changes_their_answer(client, member, event_factory):
    event = event_factory()
    client.force_login(member)
    page = answer(client, event, "going")
    assert "Your answer: Going." in page.text
    assert "1 going" in page.text
    answer(client, event, "maybe")
    page = answer(client, event, "not_going")
    assert "Your answer: Can&#x27;t go." in page.text
    assert RSVP.objects.filter(event=event, user=member).count() == 1
    assert status_of(event, member) == RSVPStatus.NOT_GOING


def test_a_full_event_queues_people_in_order_and_promotes_the_first(event_factory, people):
    event = event_factory(capacity=2)
    for person in people[:4]:
        do_rsvp(person, event, RSVPStatus.GOING)
    assert [status_of(event, person) for person in people[:4]] == [
        "going",
        "going",
        "waitlisted",
        "waitlisted",
    ]
    do_rsvp(people[0], event, RSVPStatus.MAYBE)
    assert status_of(event, people[2]) == RSVPStatus.GOING
    assert status_of(event, people[3]) == RSVPStatus.WAITLISTED
    told = Notification.objects.filter(kind=NotificationKind.EVENT_PLACE)
    assert list(told.values_list("recipient", flat=True)) == [people[2].pk]
    assert told.get().target_id == event.post_id


def test_the_waitlist_keeps_its_order_when_someone_leaves_it(event_factory, people):
    event = event_factory(capacity=1)
    for person in people[:4]:
        do_rsvp(person, event, RSVPStatus.GOING)
    do_rsvp(people[2], event, RSVPStatus.NOT_GOING)  # leaves the waitlist: no place freed
    assert not Notification.objects.filter(kind=NotificationKind.EVENT_PLACE).exists()
    do_rsvp(people[0], event, RSVPStatus.NOT_GOING)
    assert status_of(event, people[1]) == RSVPStatus.GOING
    assert status_of(event, people[3]) == RSVPStatus.WAITLISTED


def test_asking_again_keeps_ones_place(event_factory, people):
    event = event_factory(capacity=1)
    do_rsvp(people[0], event, RSVPStatus.GOING)
    do_rsvp(people[1], event, RSVPStatus.GOING)
    do_rsvp(people[1], event, RSVPStatus.GOING)
    assert status_of(event, people[1]) == RSVPStatus.WAITLISTED


def test_the_page_says_the_event_is_full_and_shows_the_waitlist(client, event_factory, people):
    event = event_factory(capacity=1)
    do_rsvp(people[0], event, RSVPStatus.GOING)
    client.force_login(people[1])
    page = answer(client, event, "going")
    assert "The event is full: you are on the waitlist." in page.text
    assert "full, a waitlist is open" in page.text
    assert 'data-testid="waitlist"' in page.text and people[1].name in page.text


def test_an_event_one_cannot_see_is_404(
    client, member, outsider, insider, event_factory, community
):
    event = event_factory(audience=Audience.TIER, min_tier=community.tiers.get(name="Insider"))
    for person in (member, outsider):
        client.force_login(person)
        assert client.post(rsvp_url(event), {"answer": "going"}).status_code == 404
        assert client.get(event.get_absolute_url()).status_code == 404
    assert not RSVP.objects.exists()
    client.force_login(insider)
    assert "Your answer: Going." in answer(client, event, "going").text


def test_a_cancelled_event_takes_no_answers(client, member, author, event_factory):
    event = event_factory()
    client.force_login(author)
    client.post(reverse("events:cancel", kwargs={"event_id": event.pk}))
    client.force_login(member)
    page = answer(client, event, "going")
    assert "This event was cancelled, so it takes no answers." in page.text
    assert not RSVP.objects.exists()


def test_an_event_that_started_takes_no_answers(client, member, event_factory):
    event = event_factory()
    event.starts_at -= timedelta(days=4)
    event.ends_at -= timedelta(days=3)
    event.save()
    client.force_login(member)
    page = answer(client, event, "going")
    assert "already started" in page.text
    assert not RSVP.objects.exists()


def test_a_nonsense_answer_is_refused(client, member, event_factory):
    event = event_factory()
    client.force_login(member)
    assert "Choose going, maybe or can" in answer(client, event, "dancing").text
    assert not RSVP.objects.exists()


def test_answering_needs_a_signed_in_post(client, member, event_factory):
    event = event_factory()
    assert client.post(rsvp_url(event), {"answer": "going"}).status_code == 302
    client.force_login(member)
    assert client.get(rsvp_url(event)).status_code == 405
    assert not RSVP.objects.exists()


@pytest.mark.parametrize("going", [True, False])
def test_a_link_kept_for_people_going(client, member, event_factory, going):
    event = event_factory(online_link="https://meet.example/tasting", link_only_for_going=True)
    client.force_login(member)
    if going:
        answer(client, event, "going")
    page = client.get(event.get_absolute_url())
    assert ("https://meet.example/tasting" in page.text) is going
    ics = client.get(reverse("events:ics", kwargs={"event_id": event.pk}))
    assert ("meet.example/tasting" in ics.content.decode()) is going
