"""The live banner: after a post is committed, its audience gets feed.new_post on /ws/."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from communities.models import AutoModeration, Notification
from communities.moderation.services.actions import check_approve_content, check_hide_content
from feeds.models import Audience
from feeds.services.posts import check_create_post
from sosoon_site.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


def session_cookie_for(user) -> bytes:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


async def socket_for(user) -> WebsocketCommunicator:
    cookie = await sync_to_async(session_cookie_for)(user)
    communicator = WebsocketCommunicator(
        application,
        "/ws/",
        headers=[(b"host", b"localhost"), (b"origin", b"http://localhost"), (b"cookie", cookie)],
    )
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def test_a_new_tier_post_reaches_the_insider_and_not_the_member(
    author, insider, member, community
):
    sockets = [await socket_for(person) for person in (insider, member, author)]
    try:
        tier = await sync_to_async(community.tiers.get)(name="Insider")
        post = await sync_to_async(check_create_post)(
            author, community, body="First pour", audience=Audience.TIER, min_tier=tier
        )
        frame = await sockets[0].receive_json_from(timeout=2)
        assert frame == {"type": "feed.new_post", "community": "wine", "post": post.pk}
        assert await sockets[1].receive_nothing(timeout=0.3)
        assert await sockets[2].receive_nothing(timeout=0.1)
    finally:
        for socket in sockets:
            await socket.disconnect()


async def test_approving_a_held_post_announces_it_and_tells_the_mentioned(
    author, member, moderator, community
):
    await sync_to_async(AutoModeration.objects.create)(community=community, blocked_words="casino")
    post = await sync_to_async(check_create_post)(
        author, community, body=f"Casino night, @{member.handle}?", audience=Audience.COMMUNITY
    )
    socket = await socket_for(member)
    try:
        assert await socket.receive_nothing(timeout=0.3)
        assert not await sync_to_async(Notification.objects.filter(recipient=member).exists)()

        await sync_to_async(check_approve_content)(
            moderator, "post", post.pk, reason="A wine tasting, not gambling"
        )

        frames = [await socket.receive_json_from(timeout=2) for _ in range(2)]
        assert {"type": "feed.new_post", "community": "wine", "post": post.pk} in frames
        kinds = await sync_to_async(list)(
            Notification.objects.filter(recipient=member).values_list("kind", flat=True)
        )
        assert kinds == ["mention"]
    finally:
        await socket.disconnect()


async def test_hiding_a_post_withdraws_it_from_the_member_but_not_the_author(
    author, member, moderator, community
):
    post = await sync_to_async(check_create_post)(
        author, community, body="Orange wine", audience=Audience.COMMUNITY
    )
    sockets = [await socket_for(person) for person in (member, author)]
    try:
        await sync_to_async(check_hide_content)(moderator, "post", post.pk, reason="Off topic")
        removed = {"type": "content.removed", "label": "post", "id": post.pk}
        assert await sockets[0].receive_json_from(timeout=2) == removed
        while not await sockets[1].receive_nothing(timeout=0.3):
            assert await sockets[1].receive_json_from() != removed
    finally:
        for socket in sockets:
            await socket.disconnect()
