"""On the Redis channel layer, a socket that hears nothing for a minute stays open.

channels_redis waits for a socket's next event with a blocking read of 5 s; a Redis client
whose socket_timeout is not longer than that read closes the socket with 1011 after about
5 quiet seconds (settings.py, CHANNEL_LAYERS). Runs in CI's second pass.
"""

import asyncio
import json

import pytest

from communities.models import ChatRoom
from tests.site.daphne import frame_of, serving, socket_as, subscribe

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
IDLE_SECONDS = 60


@pytest.fixture
def site(transactional_db, tmp_path, settings):
    """daphne on this test's database and the configured Redis; stops before the flush."""
    with serving(tmp_path, redis_url=settings.REDIS_URL) as running:
        yield running


async def test_a_socket_idle_for_a_minute_stays_open_and_gets_the_next_message(
    site, community, member, insider
):
    general = await ChatRoom.objects.aget(community=community, name="general")
    async with socket_as(site, member) as sender, socket_as(site, insider) as reader:
        await subscribe(sender, general.pk)
        await subscribe(reader, general.pk)

        await asyncio.sleep(IDLE_SECONDS)

        await sender.send(
            json.dumps({"type": "chat.send", "id": "c1", "room": general.pk, "body": "still here"})
        )
        ack = await frame_of(sender, "chat.ack")
        pushed = await frame_of(reader, "chat.message")
    assert pushed["message"]["id"] == ack["message_id"]
    assert pushed["message"]["body"] == "still here"
    assert "TimeoutError" not in site.output()
