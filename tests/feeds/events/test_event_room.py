"""An event's chat room for those going, on the pages: the organiser turns it on or off in the
event's form; the event page links it, and the sidebar lists it, only for the people chat's
room rule lets in (the host, the people going, the community's owner and admins); everyone
else gets the 404 a missing room gives."""

import re

import pytest
from django.urls import reverse

from communities.chat.models import ChatRoom, room_audience
from communities.models import Membership
from communities.moderation.services.actions import check_hide_content, check_unhide_content
from communities.services.members import do_change_tier
from feeds.events.models import Event, RSVPStatus
from feeds.events.services.events import check_cancel_event
from feeds.events.services.rsvps import do_rsvp
from feeds.models import POST_LABEL, Audience
from feeds.services.circles import close_friends_of
from feeds.services.posts import check_remove_post
from sosoon_site.accounts.blocks import do_block, do_unblock
from tests.feeds.events.test_changes import edit_data
from tests.feeds.events.test_creating_events import NEW, form_data


@pytest.fixture
def room_event(event_factory):
    return event_factory(chat_room=True)


def room_page(event) -> str:
    return reverse("communities:chat_room", kwargs={"slug": "wine", "room_id": event.chat_room_id})


def sidebar_of(client) -> str:
    return client.get(reverse("communities:sidebar"), {"c": "wine"}).text


def test_the_organiser_turns_the_room_on_in_the_new_event_form(client, member):
    client.force_login(member)
    page = client.get(NEW)
    assert "A chat room for those going" in page.text
    response = client.post(NEW, form_data(chat_room="on"), follow=True)
    event = Event.objects.get()
    room = ChatRoom.objects.get(pk=event.chat_room_id)
    assert room.community == event.post.community and room.name == f"pet-nat-evening-{event.pk}"
    assert 'data-testid="event-room"' in response.text, "the host enters their own room"
    assert client.get(room_page(event)).status_code == 200


def test_an_event_without_the_room_has_none(client, member, event_factory):
    event = event_factory()
    assert event.chat_room_id is None
    client.force_login(member)
    assert "event-room" not in client.get(event.get_absolute_url()).text


def test_a_circle_event_takes_no_room_and_nothing_is_saved(client, member):
    client.force_login(member)
    circle = close_friends_of(member)
    page = client.post(NEW, form_data(chat_room="on", audience=f"circle:{circle.pk}"))
    assert page.status_code == 200
    assert "A circle&#x27;s event has no chat room" in page.text
    assert not Event.objects.exists()
    assert not ChatRoom.objects.filter(listed_only=True).exists()


def test_people_going_see_the_link_and_enter_others_get_404(client, room_event, people, outsider):
    going, maybe, cannot, waiting = people[:4]
    do_rsvp(going, room_event, RSVPStatus.GOING)
    do_rsvp(maybe, room_event, RSVPStatus.MAYBE)
    do_rsvp(cannot, room_event, RSVPStatus.NOT_GOING)
    client.force_login(going)
    assert 'data-testid="event-room"' in client.get(room_event.get_absolute_url()).text
    assert client.get(room_page(room_event)).status_code == 200
    assert f"orange-wine-tasting-{room_event.pk}" in sidebar_of(client)
    for person in (maybe, cannot, waiting, outsider):
        client.force_login(person)
        assert client.get(room_page(room_event)).status_code == 404
        assert f"orange-wine-tasting-{room_event.pk}" not in sidebar_of(client)
    client.force_login(maybe)
    event_page = client.get(room_event.get_absolute_url()).text
    assert 'data-testid="event-room"' not in event_page
    assert "The people going talk in the event's chat room." in event_page


def test_owner_and_admins_enter_moderators_do_not(client, room_event, owner, admin, moderator):
    """The role table's SEE_EVERY_TIER row (owner, admin) reads every room of the space, as
    for tier rooms; moderators are not in it."""
    for person, status in ((owner, 200), (admin, 200), (moderator, 404)):
        client.force_login(person)
        assert client.get(room_page(room_event)).status_code == status


def test_giving_up_a_place_closes_the_room_and_lets_the_waitlist_in(client, event_factory, people):
    event = event_factory(chat_room=True, capacity=1)
    first, second = people[:2]
    do_rsvp(first, event, RSVPStatus.GOING)
    do_rsvp(second, event, RSVPStatus.GOING)
    client.force_login(second)
    assert client.get(room_page(event)).status_code == 404, "waitlisted: not yet"
    do_rsvp(first, event, RSVPStatus.MAYBE)
    assert client.get(room_page(event)).status_code == 200, "promoted: in"
    client.force_login(first)
    assert client.get(room_page(event)).status_code == 404


def test_turning_the_room_off_in_the_edit_form_closes_it_and_on_again_reopens_it(
    client, author, room_event, people
):
    do_rsvp(people[0], room_event, RSVPStatus.GOING)
    edit = reverse("events:edit", kwargs={"event_id": room_event.pk})
    client.force_login(author)
    assert re.search(r'<input[^>]*name="chat_room"[^>]*checked', client.get(edit).text)
    client.post(edit, edit_data(room_event))
    client.force_login(people[0])
    assert client.get(room_page(room_event)).status_code == 404
    client.force_login(author)
    client.post(edit, edit_data(room_event, chat_room="on"))
    client.force_login(people[0])
    assert client.get(room_page(room_event)).status_code == 200
    assert Event.objects.get().chat_room_id == room_event.chat_room_id, "one room, history kept"


def test_a_tier_event_room_follows_the_tier(
    client, event_factory, community, insider, people, author, django_capture_on_commit_callbacks
):
    """Its author below the tier is in it too; a member raised to the tier gets in once going,
    and one lowered from it loses the room."""
    tier = community.tiers.get(name="Insider")
    event = event_factory(chat_room=True, audience=Audience.TIER, min_tier=tier)
    do_rsvp(insider, event, RSVPStatus.GOING)
    client.force_login(insider)
    assert client.get(room_page(event)).status_code == 200
    assert readers_of(event) >= {insider, author}
    with django_capture_on_commit_callbacks(execute=True):
        do_change_tier(
            Membership.objects.get(user=insider, community=community),
            community.tiers.get(rank=0),
        )
    assert client.get(room_page(event)).status_code == 404


def test_cancelling_closes_the_room_to_those_going(client, author, room_event, people, owner):
    do_rsvp(people[0], room_event, RSVPStatus.GOING)
    check_cancel_event(author, room_event.pk)
    client.force_login(people[0])
    assert client.get(room_page(room_event)).status_code == 404
    client.force_login(owner)
    page = client.get(room_event.get_absolute_url()).text
    assert "(closed: read-only)" in page


def test_the_room_rule_and_its_reverse_form_agree_for_every_kind_of_viewer(
    room_event, people, author, owner, admin, moderator, outsider, banned
):
    """Mentions and moderation notices ask `room_audience`; pages and sockets `readable_by`."""
    going, maybe = people[:2]
    do_rsvp(going, room_event, RSVPStatus.GOING)
    do_rsvp(maybe, room_event, RSVPStatus.MAYBE)
    room = ChatRoom.objects.get(pk=room_event.chat_room_id)
    readers = set(room_audience(room))
    assert readers == {author, going, owner, admin}
    for person in (going, maybe, author, owner, admin, moderator, outsider, banned):
        readable = ChatRoom.objects.readable_by(person).filter(pk=room.pk).exists()
        assert readable == (person in readers), person.handle


def test_removing_the_event_closes_its_room(client, author, room_event, people):
    do_rsvp(people[0], room_event, RSVPStatus.GOING)
    check_remove_post(author, room_event.post_id)
    client.force_login(people[0])
    assert client.get(room_page(room_event)).status_code == 404
    assert ChatRoom.objects.get(pk=room_event.chat_room_id).archived


def readers_of(event) -> set:
    return set(room_audience(ChatRoom.objects.get(pk=event.chat_room_id)))


def test_a_block_takes_the_blocked_one_out_of_the_room_and_unblocking_lets_them_back(
    room_event, people, author, django_capture_on_commit_callbacks
):
    going = people[0]
    do_rsvp(going, room_event, RSVPStatus.GOING)
    with django_capture_on_commit_callbacks(execute=True):
        do_block(author, going)
    assert going not in readers_of(room_event)
    assert not ChatRoom.objects.readable_by(going).filter(pk=room_event.chat_room_id).exists()
    with django_capture_on_commit_callbacks(execute=True):
        do_unblock(author, going)
    assert going in readers_of(room_event)


def test_hiding_the_events_post_closes_the_room_to_those_going_until_it_is_unhidden(
    room_event, people, author, moderator, owner
):
    going = people[0]
    do_rsvp(going, room_event, RSVPStatus.GOING)
    check_hide_content(moderator, POST_LABEL, room_event.post_id, reason="Spam in the place")
    assert going not in readers_of(room_event)
    assert author in readers_of(room_event)
    check_unhide_content(moderator, POST_LABEL, room_event.post_id, reason="It was fine")
    assert going in readers_of(room_event)


def test_turning_public_teasers_off_closes_a_public_events_room_to_those_going(
    event_factory, community, people, author
):
    community.allow_public_teasers = True
    community.save()
    event = event_factory(audience=Audience.PUBLIC, chat_room=True)
    going = people[0]
    do_rsvp(going, event, RSVPStatus.GOING)
    assert going in readers_of(event)
    community.allow_public_teasers = False
    community.save()
    assert going not in readers_of(event)


def test_an_admin_cannot_put_a_tier_on_an_events_room(client, room_event, admin, community):
    insider_tier = community.tiers.get(name="Insider")
    client.force_login(admin)
    page = client.post(
        reverse(
            "communities:chat_room_change",
            kwargs={"slug": "wine", "room_id": room_event.chat_room_id},
        ),
        {
            "name": ChatRoom.objects.get(pk=room_event.chat_room_id).name,
            "minimum_tier": insider_tier.pk,
            "retention_days": "",
        },
        follow=True,
    )
    assert "it takes no tier" in page.text
    assert ChatRoom.objects.get(pk=room_event.chat_room_id).minimum_tier is None
