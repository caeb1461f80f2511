"""Moderation takes effect on open sockets: a suspended account's sockets close at once, and
hidden content is withdrawn from the tabs of everyone who could see it."""

import pytest
from asgiref.sync import sync_to_async

from communities.services.moderation import check_hide_content, check_suspend_account
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
