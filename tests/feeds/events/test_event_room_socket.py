"""An event's chat room over the /ws/ socket: the people going read and write in it, everyone
else gets the error a missing room gives, and someone who stops going (or whose event is
cancelled) loses the room on their open sockets at once; a promotion from the waitlist lets
them in. Real sockets through the whole ASGI stack (WebsocketCommunicator), always closed."""

import pytest
from asgiref.sync import sync_to_async

from communities.chat import services as chat
from feeds.events.models import RSVPStatus
from feeds.events.services.events import check_cancel_event
from feeds.events.services.rsvps import do_rsvp
from tests.communities.chat.test_socket import error_for, frame_of, none_of, socket_of, subscribed

pytestmark = pytest.mark.django_db(transaction=True)

rsvp = sync_to_async(do_rsvp)


@pytest.fixture
def room_event(event_factory):
    return event_factory(chat_room=True, capacity=2)


async def test_people_going_read_and_write_in_the_room(room_event, people, author):
    first, second = people[:2]
    await rsvp(first, room_event, RSVPStatus.GOING)
    await rsvp(second, room_event, RSVPStatus.GOING)
    room_id = room_event.chat_room_id
    async with socket_of(first) as sender, socket_of(second) as reader, socket_of(author) as host:
        opened = await subscribed(sender, room_id)
        assert opened["room"]["name"] == f"orange-wine-tasting-{room_event.pk}"
        await subscribed(reader, room_id)
        await subscribed(host, room_id)
        await sender.send_json_to(
            {"type": "chat.send", "id": "m1", "room": room_id, "body": "Who brings bread?"}
        )
        ack = await frame_of(sender, "chat.ack")
        for socket in (reader, host):
            pushed = await frame_of(socket, "chat.message")
            assert pushed["message"]["id"] == ack["message_id"]
            assert pushed["message"]["body"] == "Who brings bread?"


@pytest.mark.parametrize("answer", [RSVPStatus.MAYBE, RSVPStatus.NOT_GOING, None])
async def test_maybe_cant_go_and_no_answer_are_refused_as_a_missing_room(
    room_event, people, answer
):
    person = people[0]
    if answer is not None:
        await rsvp(person, room_event, answer)
    room_id = room_event.chat_room_id
    async with socket_of(person) as socket:
        refused = await error_for(socket, {"type": "chat.subscribe", "id": 1, "room": room_id})
        missing = await error_for(socket, {"type": "chat.subscribe", "id": 2, "room": 99999})
        assert refused["code"] == "not_found"
        assert refused["message"] == missing["message"]
        send = {"type": "chat.send", "id": 3, "room": room_id, "body": "let me in"}
        assert (await error_for(socket, send))["code"] == "not_found"


@pytest.mark.parametrize("who", ["outsider", "moderator"])
async def test_non_members_and_moderators_not_going_are_refused(request, room_event, who):
    person = await sync_to_async(request.getfixturevalue)(who)
    async with socket_of(person) as socket:
        refused = await error_for(
            socket, {"type": "chat.subscribe", "id": 1, "room": room_event.chat_room_id}
        )
    assert refused["code"] == "not_found"


async def test_stopping_going_revokes_the_room_on_open_sockets(room_event, people, author):
    person = people[0]
    await rsvp(person, room_event, RSVPStatus.GOING)
    room_id = room_event.chat_room_id
    async with socket_of(person) as first_tab, socket_of(person) as second_tab:
        await subscribed(first_tab, room_id)
        await subscribed(second_tab, room_id)
        await rsvp(person, room_event, RSVPStatus.MAYBE)
        for tab in (first_tab, second_tab):
            revoked = await frame_of(tab, "revoked", timeout=1)
            assert revoked["keys"] == [f"room:{room_id}"]
            assert revoked["reason"] == "You are no longer going to Orange wine tasting."
        await sync_to_async(chat.check_send_message)(author, room_id, "after they left")
        for tab in (first_tab, second_tab):
            assert await none_of(tab, "chat.message")
        refused = await error_for(first_tab, {"type": "chat.subscribe", "id": 9, "room": room_id})
        assert refused["code"] == "not_found"


async def test_cancelling_revokes_the_room_of_everyone_going(room_event, people, author, admin):
    person = people[0]
    await rsvp(person, room_event, RSVPStatus.GOING)
    room_id = room_event.chat_room_id
    async with socket_of(person) as socket, socket_of(admin) as admin_socket:
        await subscribed(socket, room_id)
        await subscribed(admin_socket, room_id)
        await sync_to_async(check_cancel_event)(author, room_event.pk)
        revoked = await frame_of(socket, "revoked", timeout=1)
        assert revoked["reason"] == "Orange wine tasting was cancelled."
        assert await none_of(admin_socket, "revoked"), "admins keep the (now read-only) room"


async def test_a_waitlisted_person_gets_in_when_promoted(room_event, people):
    going, also_going, waiting = people[:3]
    for person in (going, also_going, waiting):
        await rsvp(person, room_event, RSVPStatus.GOING)
    room_id = room_event.chat_room_id
    async with socket_of(waiting) as socket:
        refused = await error_for(socket, {"type": "chat.subscribe", "id": 1, "room": room_id})
        assert refused["code"] == "not_found"
        await rsvp(going, room_event, RSVPStatus.NOT_GOING)
        opened = await subscribed(socket, room_id)
        assert opened["room"]["id"] == room_id
        await sync_to_async(chat.check_send_message)(also_going, room_id, "welcome in")
        assert (await frame_of(socket, "chat.message"))["message"]["body"] == "welcome in"
