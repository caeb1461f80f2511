"""Hostile frames on the /ws/ socket: each reproduction that used to close the socket with
1011 (or quietly took a wrong value as room 1) now gets an error frame, changes nothing,
and leaves the socket open. Sockets are real (WebsocketCommunicator through the whole ASGI
stack, with Host, Origin and a session cookie) and always disconnected."""

import json

import pytest
from asgiref.sync import sync_to_async

from communities.models import ChatMessage, ChatRoom
from tests.communities.chat.test_socket import error_for, frame_of, socket_of, subscribed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def general(community):
    return ChatRoom.objects.get(community=community, name="general")


async def still_open(socket) -> None:
    await socket.send_json_to({"type": "ping", "id": "still-here"})
    assert await frame_of(socket, "pong") == {"type": "pong", "id": "still-here"}


async def refused_raw(socket, raw: str) -> dict:
    await socket.send_to(text_data=raw)
    error = await frame_of(socket, "error")
    await still_open(socket)
    return error


def message_count() -> int:
    return ChatMessage.objects.count()


@pytest.mark.parametrize(
    ("frame_type", "extra"),
    [
        ("chat.subscribe", {}),
        ("chat.send", {"body": "hello"}),
        ("chat.typing", {}),
        ("chat.sync", {"after": 0}),
    ],
)
async def test_a_room_of_1e999_is_an_error_not_a_crash(general, member, frame_type, extra):
    raw = json.dumps({"type": frame_type, "id": 1, **extra})[:-1] + ', "room": 1e999}'
    async with socket_of(member) as socket:
        error = await refused_raw(socket, raw)
    assert (error["code"], error["id"]) == ("invalid", 1)
    assert "room" in error["message"]


async def test_editing_message_1e999_is_an_error_not_a_crash(member):
    raw = '{"type": "chat.edit", "id": 1, "message": 1e999, "body": "x"}'
    async with socket_of(member) as socket:
        error = await refused_raw(socket, raw)
    assert error["code"] == "invalid"


LOOKALIKES = {
    # `true` equals 1 in Python, and int() took "1" and 1.9 as 1: each reached room 1.
    "true": lambda room_id: True,
    "a numeric string": str,
    "a fraction": lambda room_id: room_id + 0.9,
    "a negative number": lambda room_id: -room_id,
    "beyond bigint": lambda room_id: 2**63 + room_id,
    "a list": lambda room_id: [room_id],
    "an object": lambda room_id: {"id": room_id},
}


@pytest.mark.parametrize("kind", LOOKALIKES)
async def test_a_room_that_is_not_a_whole_number_is_never_taken_for_a_room(general, member, kind):
    lookalike = LOOKALIKES[kind](general.pk)
    async with socket_of(member) as socket:
        send = await error_for(
            socket, {"type": "chat.send", "id": "s", "room": lookalike, "body": "hi"}
        )
        subscribe = await error_for(
            socket, {"type": "chat.subscribe", "id": "b", "room": lookalike}
        )
        await still_open(socket)
    assert (send["code"], subscribe["code"]) == ("invalid", "invalid")
    assert await sync_to_async(message_count)() == 0


@pytest.mark.parametrize("query", [42, ["wine"], {"q": "wine"}, True])
async def test_a_search_for_something_not_text_is_an_error(general, member, query):
    async with socket_of(member) as socket:
        error = await error_for(
            socket, {"type": "chat.search", "id": "q", "room": general.pk, "q": query}
        )
        await still_open(socket)
    assert error["code"] == "invalid"
    assert "'q' is text" in error["message"]


async def test_a_body_with_a_lone_surrogate_is_refused_and_nothing_is_saved(general, member):
    raw = json.dumps({"type": "chat.send", "id": "u", "room": general.pk, "body": "x\ud800y"})
    assert "\\ud800" in raw
    async with socket_of(member) as socket:
        error = await refused_raw(socket, raw)
        await subscribed(socket, general.pk)
    assert (error["code"], error["id"]) == ("invalid", "u")
    assert await sync_to_async(message_count)() == 0


async def test_a_body_with_nul_is_refused_and_nothing_is_saved(general, member):
    """On PostgreSQL (CI's second pass) this was a DataError and a 1011 close."""
    async with socket_of(member) as socket:
        send = await error_for(
            socket, {"type": "chat.send", "id": "n", "room": general.pk, "body": "a\u0000b"}
        )
        search = await error_for(
            socket, {"type": "chat.search", "id": "s", "room": general.pk, "q": "a\u0000b"}
        )
        await still_open(socket)
    assert (send["code"], search["code"]) == ("invalid", "invalid")
    assert await sync_to_async(message_count)() == 0


async def test_an_edit_to_nul_leaves_the_message_as_it_was(general, member):
    async with socket_of(member) as socket:
        await socket.send_json_to(
            {"type": "chat.send", "id": "s", "room": general.pk, "body": "first pour"}
        )
        sent = await frame_of(socket, "chat.ack")
        error = await error_for(
            socket, {"type": "chat.edit", "id": "e", "message": sent["message_id"], "body": "\x00"}
        )
    assert error["code"] == "invalid"
    body = await sync_to_async(lambda: ChatMessage.objects.get(pk=sent["message_id"]).body)()
    assert body == "first pour"


async def test_three_thousand_nested_brackets_are_an_error_not_a_crash(member):
    raw = '{"type": "ping", "id": 1, "x": ' + "[" * 3000 + "]" * 3000 + "}"
    async with socket_of(member) as socket:
        error = await refused_raw(socket, raw)
        unclosed = await refused_raw(socket, "[" * 3000)
    assert error["code"] == "bad_frame"
    assert "levels" in error["message"]
    assert unclosed["code"] == "bad_frame"


async def test_brackets_inside_text_do_not_count_as_nesting(general, member):
    async with socket_of(member) as socket:
        await socket.send_json_to(
            {"type": "chat.send", "id": "b", "room": general.pk, "body": "[[[[[[[[[[[[ :) ]"}
        )
        ack = await frame_of(socket, "chat.ack")
    assert ack["message"]["body"] == "[[[[[[[[[[[[ :) ]"


async def test_a_frame_over_our_limit_and_under_daphnes_gets_frame_too_large(settings, member):
    raw = json.dumps({"type": "ping", "id": 1, "pad": "x" * (512 * 1024)})
    assert settings.SOSOON_WS_MAX_FRAME_BYTES < len(raw) < 1024 * 1024
    async with socket_of(member) as socket:
        error = await refused_raw(socket, raw)
    assert error["code"] == "frame_too_large"


async def test_an_id_that_cannot_be_echoed_is_refused_without_echo(member):
    async with socket_of(member) as socket:
        await socket.send_json_to({"type": "ping", "id": {"nested": ["deep"]}})
        error = await frame_of(socket, "error")
        await still_open(socket)
    assert error["code"] == "invalid"
    assert "id" not in error
