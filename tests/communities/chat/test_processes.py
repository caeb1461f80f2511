"""Many processes: two daphne processes on one PostgreSQL database and one Redis. A message
sent through one reaches a client of the other, and a revoke reaches sockets on both.

Runs in CI's second pass (DATABASE_URL and REDIS_URL set); skipped on the embedded default,
where the in-memory channel layer cannot span processes by design.
"""

import json
import os
import time
from collections.abc import Iterator

import pytest
from channels.db import database_sync_to_async
from django.conf import settings

from communities.chat import services as chat
from communities.models import ChatRoom, Membership
from communities.services.members import do_remove_member
from tests.launcher import (
    StartupError,
    dev_daphne_command,
    free_port,
    start,
    stop,
    wait_until_healthy,
)
from tests.site.daphne import database_url, frame_of, socket_on, subscribe

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def two_daphnes(transactional_db, tmp_path) -> Iterator[list[int]]:
    """Two daphne processes serving Sosoon on this test's database and Redis; their ports.
    Depends on the database fixture so they stop before the database is flushed."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sosoon_site.settings",
        "DEBUG": "1",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
    }
    started, ports = [], []
    try:
        for number in range(2):
            port = free_port()
            server = start(dev_daphne_command(port), env=env, log=tmp_path / f"daphne-{number}.log")
            started.append(server.process)
            try:
                wait_until_healthy(f"http://127.0.0.1:{port}/healthz", server)
            except StartupError as error:
                pytest.fail(str(error))
            ports.append(port)
        yield ports
    finally:
        for process in started:
            stop(process)


@pytest.fixture
def general(community):
    return ChatRoom.objects.get(community=community, name="general")


async def test_a_message_sent_through_one_process_reaches_a_client_of_the_other(
    two_daphnes, general, member, insider
):
    first, second = two_daphnes
    async with socket_on(first, member) as sender, socket_on(second, insider) as reader:
        await subscribe(sender, general.pk)
        await subscribe(reader, general.pk)
        await sender.send(
            json.dumps({"type": "chat.send", "id": "c1", "room": general.pk, "body": "across"})
        )
        ack = await frame_of(sender, "chat.ack")
        pushed = await frame_of(reader, "chat.message")
    assert pushed["message"]["id"] == ack["message_id"]
    assert pushed["message"]["body"] == "across"


async def test_a_revoke_reaches_sockets_on_both_processes(two_daphnes, community, general, insider):
    first, second = two_daphnes
    membership = await database_sync_to_async(Membership.objects.get)(
        user=insider, community=community
    )
    async with socket_on(first, insider) as one, socket_on(second, insider) as other:
        await subscribe(one, general.pk)
        await subscribe(other, general.pk)
        started = time.monotonic()
        await database_sync_to_async(do_remove_member)(membership)
        revoked = [await frame_of(socket, "revoked", timeout=1) for socket in (one, other)]
        elapsed = time.monotonic() - started
        await database_sync_to_async(chat.do_send_message)(
            community.owner, general, "after removal"
        )
        for socket in (one, other):
            with pytest.raises(TimeoutError):
                await frame_of(socket, "chat.message", timeout=0.5)
    assert [frame["keys"] for frame in revoked] == [[f"room:{general.pk}"]] * 2
    assert elapsed < 1
