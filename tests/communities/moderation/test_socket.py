"""Moderation takes effect on open sockets: a suspended account's sockets close at once, and
hidden content is withdrawn from the tabs of everyone who could see it."""

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async

from communities.chat import services as chat
from communities.models import AutoModeration, ChatRoom, Notification
from communities.moderation.services.actions import (
    check_approve_content,
    check_hide_content,
    check_suspend_account,
)
from tests.communities.chat.test_socket import frame_of, none_of, socket_of, subscribed
from tests.site.test_socket import connect_as

pytestmark = pytest.mark.django_db(transaction=True)


async def test_suspending_an_account_closes_its_sockets(note, author, site_moderator):
    socket = await connect_as(author)
    connected, _ = await socket.connect()
    assert connected
    try:
        await sync_to_async(check_suspend_account)(
            site_moderator, "note", note.pk, reason="Spam bot"
        )
        assert await socket.receive_json_from() == {"type": "notifications.changed"}
        assert await socket.receive_json_from() == {
            "type": "signed_out",
            "reason": "Your account is suspended.",
        }
        assert (await socket.receive_output())["type"] == "websocket.close"
    finally:
        await socket.disconnect()


async def test_hiding_content_withdraws_it_from_open_tabs(note, member, moderator):
    socket = await connect_as(member)
    await socket.connect()
    try:
        await sync_to_async(check_hide_content)(moderator, "note", note.pk, reason="Spam")
        assert await socket.receive_json_from() == {
            "type": "content.removed",
            "label": "note",
            "id": note.pk,
        }
    finally:
        await socket.disconnect()


async def test_only_those_who_lose_hidden_content_are_told(note, member, author, moderator):
    sockets = [await connect_as(person) for person in (member, author, moderator)]
    for socket in sockets:
        await socket.connect()
    try:
        await sync_to_async(check_hide_content)(moderator, "note", note.pk, reason="Spam")
        assert await frame_of(sockets[0], "content.removed") == {
            "type": "content.removed",
            "label": "note",
            "id": note.pk,
        }
        # The author and the moderators still see hidden content: nothing to withdraw.
        assert await none_of(sockets[1], "content.removed")
        assert await none_of(sockets[2], "content.removed")
    finally:
        for socket in sockets:
            await socket.disconnect()


@pytest.fixture
def held_message(community, author, member):
    """A message in #general held by the word filter, mentioning the member."""
    AutoModeration.objects.create(community=community, blocked_words="casino")
    general = ChatRoom.objects.get(community=community, name="general")
    return chat.check_send_message(author, general.pk, f"Casino night, @{member.handle}?")


async def test_approving_a_held_chat_message_delivers_it_to_the_room(
    held_message, member, moderator
):
    # database_sync_to_async closes the worker thread's connection, as the socket's own do.
    async with socket_of(member) as socket:
        await subscribed(socket, held_message.room_id)
        assert await none_of(socket, "chat.message")

        await database_sync_to_async(check_approve_content)(
            moderator, "chat_message", held_message.pk, reason="A wine tasting, not gambling"
        )

        frame = await frame_of(socket, "chat.message")
        assert frame["message"]["id"] == held_message.pk
    kinds = await database_sync_to_async(list)(
        Notification.objects.filter(recipient=member).values_list("kind", flat=True)
    )
    assert kinds == ["chat_mention"]
