"""The live banner: after a post is committed, its audience gets feed.new_post on /ws/."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

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
        application, "/ws/", headers=[(b"origin", b"http://localhost"), (b"cookie", cookie)]
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
