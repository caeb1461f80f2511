"""Many processes: two daphne processes on one PostgreSQL database and one Redis. A message
sent through one reaches a client of the other, and a revoke reaches sockets on both.

Runs in CI's second pass (DATABASE_URL and REDIS_URL set); skipped on the embedded default,
where the in-memory channel layer cannot span processes by design.
"""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection

from communities.chat import services as chat
from communities.models import ChatRoom, Membership
from communities.services.members import do_remove_member
from tests.e2e.conftest import free_port, stop
from tests.site.daphne import frame_of, socket_on, subscribe

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]
STARTUP_SECONDS = 30


def database_url() -> str:
    """The URL of the test database this process uses, for the daphne processes."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_until_healthy(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"daphne exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    pytest.fail(f"daphne on {port} did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}")


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
            port, log = free_port(), tmp_path / f"daphne-{number}.log"
            with log.open("w") as output:
                process = subprocess.Popen(
                    [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                     "sosoon_site.asgi:application"],
                    cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT,
                )  # fmt: skip
            started.append(process)
            wait_until_healthy(port, process, log)
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
