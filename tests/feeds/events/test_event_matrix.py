"""Events as a surface of the audience matrix: every audience x every kind of viewer x every
event surface agrees with the post rules (tests/feeds/test_matrix.py's SEES), because every
event surface starts from the policy."""

from datetime import timedelta

import pytest
from django.urls import reverse

from communities.chat.models import ChatRoom
from communities.notifications.models import Notification
from communities.notifying import NotificationKind
from feeds.events.models import RSVP, Event, RSVPStatus
from feeds.events.services.calendar_feeds import do_renew_calendar_feed
from feeds.events.services.events import check_edit_event
from feeds.models import Audience
from tests.feeds.test_matrix import ACTIVE_MEMBERS, SEES, STAFF, VIEWERS, client_for

CASES = [(audience, viewer) for audience in SEES for viewer in VIEWERS]
MEMBER_SURFACES = {"events_tab", "home_list"}


def make_event(audience_case, community, event_factory, close_friends):
    if audience_case == "tier":
        return event_factory(audience=Audience.TIER, min_tier=community.tiers.get(name="Insider"))
    if audience_case == "circle":
        return event_factory(audience=Audience.CIRCLE, circle=close_friends)
    if audience_case.startswith("public"):
        community.allow_public_teasers = True
        community.save()
        return event_factory(audience=Audience.PUBLIC)
    return event_factory()


def event_surfaces(viewer, event: Event) -> dict[str, bool]:
    client = client_for(viewer)
    found = {
        "queryset": Event.objects.visible_to(viewer).filter(pk=event.pk).exists(),
        "event_page": client.get(event.get_absolute_url()).status_code == 200,
        "ics": client.get(reverse("events:ics", kwargs={"event_id": event.pk})).status_code == 200,
    }
    tab = client.get(reverse("events:community", kwargs={"slug": event.post.community.slug}))
    found["events_tab"] = tab.status_code == 200 and event.get_absolute_url() in tab.text
    if viewer.is_authenticated:
        home = client.get("/")
        found["home_list"] = event.get_absolute_url() in home.text
        feed = do_renew_calendar_feed(viewer)
        calendar = client_for(viewer).get(
            reverse("events:calendar_feed", kwargs={"token": feed.token})
        )
        found["calendar_feed"] = f"event-{event.pk}@" in calendar.content.decode()
        found["edit_notice"] = (
            Notification.objects.visible_to(viewer)
            .filter(kind=NotificationKind.EVENT_CHANGED, target_id=event.post_id)
            .exists()
        )
    return found


@pytest.mark.parametrize(("audience", "viewer_name"), CASES)
def test_every_event_surface_agrees_with_the_rules(
    audience, viewer_name, request, community, event_factory, close_friends, author
):
    people = {name: request.getfixturevalue(name) for name in VIEWERS}
    event = make_event(audience, community, event_factory, close_friends)
    viewer = people[viewer_name]
    # Everyone signed in has said "going" (as if before losing access): only the audience
    # may still see the event, in their calendar feed or by the notice of an edit (made
    # before teasers are turned off, which then hides the notice too).
    for person in people.values():
        if person.is_authenticated and person != author:
            RSVP.objects.create(event=event, user=person, status=RSVPStatus.GOING)
    post = event.post
    check_edit_event(
        author,
        event.pk,
        title="Orange wine tasting, moved",
        starts_at=event.starts_at + timedelta(hours=1),
        ends_at=event.ends_at + timedelta(hours=1),
        time_zone=event.time_zone,
        place=event.place,
        body=post.body,
        audience=post.audience,
        min_tier=post.min_tier,
        circle=post.circle,
    )
    if audience == "public_teasers_off":
        community.allow_public_teasers = False
        community.save()
    expected = viewer_name in SEES[audience]

    def expected_on(surface: str) -> bool:
        if surface in MEMBER_SURFACES:
            return expected and viewer_name in ACTIVE_MEMBERS
        if surface == "edit_notice":
            return expected and viewer_name != "author"
        return expected

    seen = event_surfaces(viewer, event)
    wrong = {surface: shown for surface, shown in seen.items() if shown != expected_on(surface)}
    assert not wrong, f"{viewer_name} on a {audience} event (expected {expected})"


ROOM_CASES = [(audience, viewer) for audience in SEES if audience != "circle" for viewer in VIEWERS]


@pytest.mark.parametrize(("audience", "viewer_name"), ROOM_CASES)
def test_the_event_room_is_for_members_going_who_see_the_event(
    audience, viewer_name, request, community, event_factory, close_friends, author
):
    """Everyone signed in said "going"; the room lets in those of them who see the event and
    are active members, and the owner and admins (who read every room of their community, by
    chat's rule). A circle event takes no room (test_event_room.py)."""
    people = {name: request.getfixturevalue(name) for name in VIEWERS}
    if audience.startswith("public"):
        community.allow_public_teasers = True
        community.save()
    event = make_event(audience, community, event_factory, close_friends)
    for person in people.values():
        if person.is_authenticated and person != author:
            RSVP.objects.create(event=event, user=person, status=RSVPStatus.GOING)
    # Opening the room in an edit writes its list from those answers.
    check_edit_event(
        author,
        event.pk,
        title=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        time_zone=event.time_zone,
        place=event.place,
        body=event.post.body,
        audience=event.post.audience,
        min_tier=event.post.min_tier,
        circle=event.post.circle,
        chat_room=True,
    )
    if audience == "public_teasers_off":
        community.allow_public_teasers = False
        community.save()
    viewer = people[viewer_name]
    expected = viewer_name in STAFF or (
        viewer_name in SEES[audience] and viewer_name in ACTIVE_MEMBERS
    )
    room = Event.objects.get(pk=event.pk).chat_room
    readable = ChatRoom.objects.readable_by(viewer).filter(pk=room.pk).exists()
    assert readable == expected, f"{viewer_name} on a {audience} event's room"
