"""Editing or cancelling an event tells the people going and waitlisted, once."""

from datetime import timedelta

from django.urls import reverse

from communities.notifications.models import Notification
from communities.notifying import NotificationKind
from feeds.events.models import Event, RSVPStatus
from feeds.events.services.rsvps import do_rsvp


def edit_data(event, **changes) -> dict:
    zone_start = event.starts_at + timedelta(days=1)
    data = {
        "title": "Orange wine tasting (new date)",
        "starts_at": zone_start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (zone_start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "time_zone": "UTC",
        "place": "The cellar",
        "capacity": event.capacity or "",
        "body": event.post.body,
        "audience": event.post.audience,
    }
    data.update(changes)
    return data


def notices(kind) -> list[int]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient", flat=True))


def test_an_edit_tells_those_going_and_waitlisted_once(client, author, event_factory, people):
    event = event_factory(capacity=2)
    for person in people[:3]:
        do_rsvp(person, event, RSVPStatus.GOING)
    do_rsvp(people[3], event, RSVPStatus.MAYBE)
    client.force_login(author)
    response = client.post(reverse("events:edit", kwargs={"event_id": event.pk}), edit_data(event))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Orange wine tasting (new date)"
    assert notices(NotificationKind.EVENT_CHANGED) == sorted(p.pk for p in people[:3])
    page = client.get(event.get_absolute_url())
    assert "Orange wine tasting (new date)" in page.text


def test_more_places_let_the_waitlist_in(client, author, event_factory, people):
    event = event_factory(capacity=1)
    for person in people[:3]:
        do_rsvp(person, event, RSVPStatus.GOING)
    client.force_login(author)
    client.post(reverse("events:edit", kwargs={"event_id": event.pk}), edit_data(event, capacity=3))
    assert notices(NotificationKind.EVENT_PLACE) == sorted(p.pk for p in people[1:3])


def test_capacity_cannot_drop_below_those_going(client, author, event_factory, people):
    event = event_factory(capacity=3)
    for person in people[:3]:
        do_rsvp(person, event, RSVPStatus.GOING)
    client.force_login(author)
    page = client.post(
        reverse("events:edit", kwargs={"event_id": event.pk}), edit_data(event, capacity=2)
    )
    assert "3 people are going already" in page.text
    event.refresh_from_db()
    assert event.capacity == 3 and event.title == "Orange wine tasting"
    assert not notices(NotificationKind.EVENT_CHANGED)


def test_bad_edits_change_nothing(client, author, event_factory, people):
    event = event_factory()
    do_rsvp(people[0], event, RSVPStatus.GOING)
    client.force_login(author)
    page = client.post(
        reverse("events:edit", kwargs={"event_id": event.pk}),
        edit_data(event, ends_at=event.starts_at.strftime("%Y-%m-%dT%H:%M")),
    )
    assert "must end after it starts" in page.text
    assert Event.objects.get().title == "Orange wine tasting"
    assert not notices(NotificationKind.EVENT_CHANGED)


def test_only_the_author_edits(client, member, event_factory):
    event = event_factory()
    client.force_login(member)
    url = reverse("events:edit", kwargs={"event_id": event.pk})
    response = client.post(url, edit_data(event), follow=True)
    assert "Only the event&#x27;s author can edit it." in response.text
    assert Event.objects.get().title == "Orange wine tasting"


def test_cancelling_tells_them_once_and_shows_on_the_page(client, author, event_factory, people):
    event = event_factory(capacity=1)
    do_rsvp(people[0], event, RSVPStatus.GOING)
    do_rsvp(people[1], event, RSVPStatus.GOING)
    client.force_login(author)
    url = reverse("events:cancel", kwargs={"event_id": event.pk})
    client.post(url)
    client.post(url)
    assert notices(NotificationKind.EVENT_CANCELLED) == sorted(p.pk for p in people[:2])
    client.force_login(people[0])
    page = client.get(event.get_absolute_url())
    assert "This event was cancelled." in page.text and 'data-testid="rsvp"' not in page.text
    inbox = client.get(reverse("communities:notifications"))
    assert "An event you answered was cancelled" in inbox.text


def test_an_admin_may_cancel_but_a_member_may_not(client, admin, member, event_factory):
    event = event_factory()
    url = reverse("events:cancel", kwargs={"event_id": event.pk})
    client.force_login(member)
    assert client.post(url).status_code == 403
    assert Event.objects.get().cancelled_at is None
    client.force_login(admin)
    client.post(url)
    assert Event.objects.get().cancelled_at is not None


def test_the_posts_page_leads_members_to_the_event(client, member, event_factory):
    event = event_factory()
    client.force_login(member)
    response = client.get(event.post.get_absolute_url())
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
