"""The /ws/ socket: signed-in clients ping, signed-out ones get 4401, foreign sites none."""

import json

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings

from sosoon_site.asgi import application
from sosoon_site.realtime import frame_handler, push_to_users_now, revoke_for_users_now

ORIGIN = (b"origin", b"http://localhost")
HOST = (b"host", b"localhost")


async def connect_as(user=None, *, origin=ORIGIN) -> WebsocketCommunicator:
    headers = [HOST, origin] if origin else [HOST]
    if user is not None:
        cookie = await sync_to_async(session_cookie_for)(user)
        headers.append((b"cookie", cookie.encode()))
    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    return communicator


def session_cookie_for(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


pytestmark = pytest.mark.django_db(transaction=True)


async def test_signed_in_client_pings_and_gets_pong_with_its_id(user):
    communicator = await connect_as(user)
    connected, _ = await communicator.connect()
    try:
        assert connected
        await communicator.send_json_to({"type": "ping", "id": "c1"})
        assert await communicator.receive_json_from() == {"type": "pong", "id": "c1"}
    finally:
        await communicator.disconnect()


async def test_signed_out_client_is_closed_with_4401(db):
    communicator = await connect_as(None)
    connected, _ = await communicator.connect()
    try:
        assert connected
        closing = await communicator.receive_output()
        assert closing == {"type": "websocket.close", "code": 4401, "reason": ""} or (
            closing["type"] == "websocket.close" and closing["code"] == 4401
        )
    finally:
        await communicator.disconnect()


async def test_foreign_origin_is_refused(user):
    communicator = await connect_as(user, origin=(b"origin", b"https://evil.example"))
    connected, _ = await communicator.connect()
    try:
        assert not connected
    finally:
        await communicator.disconnect()


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{not json", "bad_json"),
        ("[1, 2, 3]", "bad_frame"),
        (json.dumps({"type": "launch_rockets", "id": 7}), "unknown_type"),
        (json.dumps({"type": "ping", "pad": "x" * 20_000}), "frame_too_large"),
    ],
)
async def test_bad_frames_get_an_error_frame_and_the_socket_stays_open(user, raw, code):
    communicator = await connect_as(user)
    await communicator.connect()
    try:
        await communicator.send_to(text_data=raw)
        error = await communicator.receive_json_from()
        assert error["type"] == "error"
        assert error["code"] == code
        assert error["message"]

        await communicator.send_json_to({"type": "ping", "id": "still-here"})
        assert await communicator.receive_json_from() == {"type": "pong", "id": "still-here"}
    finally:
        await communicator.disconnect()


async def test_binary_frames_are_refused_politely(user):
    communicator = await connect_as(user)
    await communicator.connect()
    try:
        await communicator.send_to(bytes_data=b"\x00\x01")
        error = await communicator.receive_json_from()
        assert (error["type"], error["code"]) == ("error", "binary_frame")
    finally:
        await communicator.disconnect()


@frame_handler("test.join")
async def join_test_room(consumer, frame):
    """A stand-in feature for these tests: joins a group without any access rule."""
    await consumer.subscribe("room:test", "test-room")
    await consumer.send_json({"type": "test.joined", "id": frame.get("id")})


async def test_pushes_reach_every_socket_of_the_chosen_people_only(user, user_factory):
    other = await sync_to_async(user_factory)(handle="ben")
    first_tab, second_tab, bystander = (
        await connect_as(user),
        await connect_as(user),
        await connect_as(other),
    )
    for socket in (first_tab, second_tab, bystander):
        await socket.connect()
    try:
        await push_to_users_now([user.pk], {"type": "feed.new_post", "post": 1})

        assert await first_tab.receive_json_from() == {"type": "feed.new_post", "post": 1}
        assert await second_tab.receive_json_from() == {"type": "feed.new_post", "post": 1}
        assert await bystander.receive_nothing(timeout=0.2)
    finally:
        for socket in (first_tab, second_tab, bystander):
            await socket.disconnect()


async def test_a_revoke_drops_the_subscription_and_says_why(user):
    communicator = await connect_as(user)
    await communicator.connect()
    layer = get_channel_layer()
    try:
        await communicator.send_json_to({"type": "test.join", "id": "j1"})
        assert (await communicator.receive_json_from())["type"] == "test.joined"
        await layer.group_send("test-room", {"type": "push.frame", "frame": {"type": "hello"}})
        assert await communicator.receive_json_from() == {"type": "hello"}

        await revoke_for_users_now([user.pk], ["room:test"], "You left the community.")

        assert await communicator.receive_json_from() == {
            "type": "revoked",
            "keys": ["room:test"],
            "reason": "You left the community.",
        }
        await layer.group_send("test-room", {"type": "push.frame", "frame": {"type": "hello"}})
        assert await communicator.receive_nothing(timeout=0.2)
    finally:
        await communicator.disconnect()


def test_two_features_cannot_claim_the_same_frame_type():
    async def another(consumer, frame):
        return None

    with pytest.raises(ValueError, match="ping"):
        frame_handler("ping")(another)
