"""At a release step's time the live "new post" banner reaches the people the step newly
reaches, on their open sockets, once; those who could see the post before get nothing."""

import pytest
from asgiref.sync import sync_to_async

from feeds.releases.services import do_announce_due_steps
from tests.feeds.releases.conftest import MEMBERS_AT
from tests.feeds.test_live import socket_for

pytestmark = pytest.mark.django_db(transaction=True)


async def frames_of(socket) -> list[dict]:
    """Every frame the socket gets until it has been quiet for half a second."""
    frames = []
    while not await socket.receive_nothing(timeout=0.5):
        frames.append(await socket.receive_json_from())
    return frames


async def test_a_step_pushes_the_banner_to_the_newly_reached_once(
    clock, preview, member, insider, author
):
    sockets = [await socket_for(person) for person in (member, insider, author)]
    try:
        clock.at = MEMBERS_AT
        assert await sync_to_async(do_announce_due_steps)() == 1
        # The banner, and the badge's "notifications changed" (the release notification).
        frames = await frames_of(sockets[0])
        assert sorted(frame["type"] for frame in frames) == [
            "feed.new_post",
            "notifications.changed",
        ]
        assert {"type": "feed.new_post", "community": "wine", "post": preview.pk} in frames
        assert await sockets[1].receive_nothing(timeout=0.3)
        assert await sockets[2].receive_nothing(timeout=0.1)

        assert await sync_to_async(do_announce_due_steps)() == 0
        assert await sockets[0].receive_nothing(timeout=0.5)
    finally:
        for socket in sockets:
            await socket.disconnect()
