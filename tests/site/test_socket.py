"""The /ws/ socket: signed-in clients ping, signed-out ones get 4401, foreign sites none."""

import json

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.urls import reverse

from sosoon_site.asgi import application
from sosoon_site.realtime import (
    frame_handler,
    push_to_group_now,
    push_to_users_now,
    revoke_for_users_now,
)

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


# The Origin names this site's host and port ------------------------------------------------


async def _connects(user, origin: bytes, host: bytes) -> bool:
    cookie = await sync_to_async(session_cookie_for)(user)
    headers = [(b"host", host), (b"origin", origin), (b"cookie", cookie.encode())]
    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    connected, _ = await communicator.connect()
    await communicator.disconnect()
    return connected


@pytest.mark.parametrize(
    ("origin", "host"),
    [
        (b"http://127.0.0.1:9", b"127.0.0.1:8000"),
        (b"http://localhost", b"127.0.0.1:8000"),
        (b"http://localhost:8000", b"127.0.0.1:8000"),
        (b"http://127.0.0.1", b"127.0.0.1:8000"),
        (b"http://127.0.0.1:8000", b"127.0.0.1"),
        (b"null", b"127.0.0.1:8000"),
        (b"ftp://127.0.0.1:8000", b"127.0.0.1:8000"),
    ],
)
async def test_an_origin_on_another_port_or_name_of_an_allowed_host_is_refused(user, origin, host):
    assert not await _connects(user, origin, host)


@pytest.mark.parametrize(
    ("origin", "host"),
    [
        (b"http://127.0.0.1:8000", b"127.0.0.1:8000"),
        (b"http://localhost", b"localhost"),
        (b"https://localhost", b"localhost:443"),
        (b"http://[::1]:8000", b"[::1]:8000"),
    ],
)
async def test_the_sites_own_origin_is_accepted(user, origin, host):
    assert await _connects(user, origin, host)


async def test_a_handshake_without_a_host_header_is_refused(user):
    cookie = await sync_to_async(session_cookie_for)(user)
    communicator = WebsocketCommunicator(
        application, "/ws/", headers=[ORIGIN, (b"cookie", cookie.encode())]
    )
    connected, _ = await communicator.connect()
    await communicator.disconnect()
    assert not connected


# Signing out ends the session's sockets ------------------------------------------------------


def _signed_in_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


async def _socket_of_client(client) -> WebsocketCommunicator:
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    communicator = WebsocketCommunicator(
        application, "/ws/", headers=[HOST, ORIGIN, (b"cookie", cookie.encode())]
    )
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def closed_with_4401(communicator) -> str:
    """The reason of the `signed_out` frame that came before the 4401 close."""
    signed_out = await communicator.receive_json_from(timeout=2)
    assert signed_out["type"] == "signed_out"
    closing = await communicator.receive_output(timeout=2)
    assert (closing["type"], closing["code"]) == ("websocket.close", 4401)
    return signed_out["reason"]


async def test_signing_out_closes_that_sessions_sockets_and_no_other(user):
    leaving = await sync_to_async(_signed_in_client)(user)
    staying = await sync_to_async(_signed_in_client)(user)
    tabs = [await _socket_of_client(leaving), await _socket_of_client(leaving)]
    other_device = await _socket_of_client(staying)
    try:
        response = await sync_to_async(leaving.post)(reverse("account_logout"))
        assert response.status_code == 302
        for tab in tabs:
            assert await closed_with_4401(tab) == "You signed out."
        await other_device.send_json_to({"type": "ping", "id": "p"})
        assert await other_device.receive_json_from() == {"type": "pong", "id": "p"}
    finally:
        for socket in (*tabs, other_device):
            await socket.disconnect()


async def test_a_password_change_closes_every_socket_of_the_person(user, user_factory, password):
    bystander = await sync_to_async(user_factory)(handle="ben")
    changing = await sync_to_async(_signed_in_client)(user)
    elsewhere = await sync_to_async(_signed_in_client)(user)
    sockets = [await _socket_of_client(changing), await _socket_of_client(elsewhere)]
    unrelated = await _socket_of_client(await sync_to_async(_signed_in_client)(bystander))
    try:
        response = await sync_to_async(changing.post)(
            reverse("account_change_password"),
            {
                "oldpassword": password,
                "password1": "a new pass 8471",
                "password2": "a new pass 8471",
            },
        )
        assert response.status_code == 302
        for socket in sockets:
            assert "password" in await closed_with_4401(socket)
        await unrelated.send_json_to({"type": "ping", "id": "p"})
        assert await unrelated.receive_json_from() == {"type": "pong", "id": "p"}
    finally:
        for socket in (*sockets, unrelated):
            await socket.disconnect()


async def test_a_wrong_old_password_changes_nothing_and_closes_nothing(user):
    client = await sync_to_async(_signed_in_client)(user)
    socket = await _socket_of_client(client)
    try:
        response = await sync_to_async(client.post)(
            reverse("account_change_password"),
            {
                "oldpassword": "not it",
                "password1": "a new pass 8471",
                "password2": "a new pass 8471",
            },
        )
        assert response.status_code == 200
        await socket.send_json_to({"type": "ping", "id": "p"})
        assert await socket.receive_json_from() == {"type": "pong", "id": "p"}
    finally:
        await socket.disconnect()


async def test_a_group_push_queued_before_a_revoke_is_not_delivered_after_it(user):
    """Revocation is a gate: a frame of the room already queued for the socket when the
    revoke arrives (as when two processes push at once) is dropped at delivery."""
    communicator = await connect_as(user)
    await communicator.connect()
    try:
        await communicator.send_json_to({"type": "test.join", "id": "j1"})
        assert (await communicator.receive_json_from())["type"] == "test.joined"
        # Both land in the socket's queue before it handles either.
        await revoke_for_users_now([user.pk], ["room:test"], "You were banned.")
        await push_to_group_now("test-room", {"type": "hello"})
        assert (await communicator.receive_json_from())["type"] == "revoked"
        assert await communicator.receive_nothing(timeout=0.3)
    finally:
        await communicator.disconnect()
