"""The /ws/ socket as browsers meet it: real daphne processes on this test's PostgreSQL
database and Redis, a real websocket client. The Origin check with ports, frame sizes
around daphne's own limit, and a sync after senders on two processes at once.

Runs in CI's second pass (DATABASE_URL and REDIS_URL set).
"""

import asyncio
import json
from contextlib import asynccontextmanager

import pytest
from channels.db import database_sync_to_async
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from communities.models import ChatRoom
from tests.communities.chat import test_processes as chat_processes
from tests.communities.chat.test_processes import frame_of
from tests.factories import add_member
from tests.site.test_socket import session_cookie_for

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]
DAPHNE_LIMIT = 1024 * 1024
two_daphnes = chat_processes.two_daphnes


@asynccontextmanager
async def socket_on(port: int, user, *, origin: str | None = None):
    cookie = await database_sync_to_async(session_cookie_for)(user)
    async with connect(
        f"ws://127.0.0.1:{port}/ws/",
        origin=origin or f"http://127.0.0.1:{port}",
        additional_headers={"Cookie": cookie},
        max_size=None,
    ) as websocket:
        yield websocket


@pytest.fixture
def general(community):
    return ChatRoom.objects.get(community=community, name="general")


@pytest.mark.parametrize("origin", ["http://127.0.0.1:9", "http://localhost", "http://[::1]"])
async def test_a_page_on_another_port_or_name_cannot_open_a_socket(two_daphnes, member, origin):
    port = two_daphnes[0]
    with pytest.raises(InvalidStatus) as refused:
        async with socket_on(port, member, origin=origin):
            pass
    assert refused.value.response.status_code == 403


async def test_the_sites_own_origin_opens_a_socket(two_daphnes, member):
    port = two_daphnes[0]
    async with socket_on(port, member, origin=f"http://127.0.0.1:{port}") as websocket:
        await websocket.send(json.dumps({"type": "ping", "id": 1}))
        assert json.loads(await websocket.recv()) == {"type": "pong", "id": 1}


async def test_a_frame_between_our_limit_and_daphnes_gets_frame_too_large(two_daphnes, member):
    async with socket_on(two_daphnes[0], member) as websocket:
        await websocket.send(json.dumps({"type": "ping", "pad": "x" * (DAPHNE_LIMIT - 1024)}))
        error = await frame_of(websocket, "error")
        await websocket.send(json.dumps({"type": "ping", "id": "still-here"}))
        pong = await frame_of(websocket, "pong")
    assert error["code"] == "frame_too_large"
    assert pong["id"] == "still-here"


async def test_a_frame_over_daphnes_limit_is_dropped_by_daphne(two_daphnes, member):
    """docs/realtime.md: past daphne's 1 MiB the application never sees the frame; daphne
    drops the connection without a close frame, and a new socket works at once."""
    async with socket_on(two_daphnes[0], member) as websocket:
        await websocket.send(json.dumps({"type": "ping", "pad": "x" * DAPHNE_LIMIT}))
        with pytest.raises(ConnectionClosed) as closed:
            await frame_of(websocket, "error")
    assert closed.value.rcvd is None
    async with socket_on(two_daphnes[0], member) as again:
        await again.send(json.dumps({"type": "ping", "id": "again"}))
        assert (await frame_of(again, "pong"))["id"] == "again"


SENDERS, EACH = 4, 10  # 10 each: the per-person limit is 10 messages per 10 s
# Generous: four senders and a reader on two processes share the machine with the tests.
BURST_TIMEOUT = 20


async def test_a_reader_who_drops_mid_burst_from_two_processes_misses_nothing(
    two_daphnes, community, general, member
):
    """The reproduction: senders on both processes at once; the reader keeps the cursor
    the way static/js/chat.js does (moved by a push only when it is the next number), goes
    away in the middle, and resumes from it."""
    senders = [await database_sync_to_async(add_member)(community) for _ in range(SENDERS)]
    people = [membership.user for membership in senders]

    async def send_all(person, port):
        async with socket_on(port, person) as websocket:
            for number in range(EACH):
                await websocket.send(
                    json.dumps(
                        {
                            "type": "chat.send",
                            "id": number,
                            "room": general.pk,
                            "body": f"m{number}",
                        }
                    )
                )
                await frame_of(websocket, "chat.ack", timeout=BURST_TIMEOUT)

    seen: dict[int, dict] = {}
    async with socket_on(two_daphnes[0], member) as reader:
        await reader.send(json.dumps({"type": "chat.subscribe", "id": "s", "room": general.pk}))
        cursor = (await frame_of(reader, "chat.subscribed"))["cursor"]
        burst = asyncio.gather(
            *(send_all(person, two_daphnes[n % 2]) for n, person in enumerate(people))
        )
        while len(seen) < SENDERS * EACH // 2:
            pushed = (await frame_of(reader, "chat.message", timeout=BURST_TIMEOUT))["message"]
            seen[pushed["id"]] = pushed
            if pushed["seq"] == cursor + 1:
                cursor = pushed["seq"]
    await burst
    async with socket_on(two_daphnes[1], member) as reader:
        has_more = True
        while has_more:
            await reader.send(
                json.dumps({"type": "chat.sync", "id": "y", "room": general.pk, "after": cursor})
            )
            synced = await frame_of(reader, "chat.synced", timeout=BURST_TIMEOUT)
            seen.update({message["id"]: message for message in synced["messages"]})
            cursor, has_more = synced["cursor"], synced["has_more"]
    assert len(seen) == SENDERS * EACH
    assert sorted(message["seq"] for message in seen.values())[-1] == cursor
