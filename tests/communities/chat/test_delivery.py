"""Nothing lost, nothing leaked: the sync cursor under out-of-order commits, changes made
while a reader was away, reply quotes and presence lists through chat's one message rule.
Sockets are real (WebsocketCommunicator through the whole ASGI stack) and always closed."""

import threading

import pytest
from asgiref.sync import sync_to_async
from django.db import connection, transaction

from communities.chat import services as chat
from communities.models import ChatRoom, Community, WithheldContent
from communities.moderation.services.actions import (
    check_approve_content,
    check_hide_content,
    check_unhide_content,
)
from communities.services.communities import do_delete_community
from communities.services.members import do_ban_member
from sosoon_site.accounts.blocks import do_block
from tests.communities.chat.test_socket import frame_of, sent_by, socket_of, subscribed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def general(community):
    return ChatRoom.objects.get(community=community, name="general")


async def synced(socket, room_id: int, after: int) -> dict:
    await socket.send_json_to({"type": "chat.sync", "id": "y", "room": room_id, "after": after})
    return await frame_of(socket, "chat.synced")


# The cursor cannot skip --------------------------------------------------------------------


class HeldSender(threading.Thread):
    """Sends a message on its own database connection inside a transaction it keeps open
    until `release` is set: the first sender of the reproduction, whose id was taken while
    a later sender committed."""

    def __init__(self, author, room):
        super().__init__(daemon=True)
        self.author, self.room = author, room
        self.stored, self.release = threading.Event(), threading.Event()
        self.message = None

    def run(self) -> None:
        try:
            with transaction.atomic():
                self.message = chat.do_send_message(self.author, self.room, "first, late")
                self.stored.set()
                self.release.wait(10)
        finally:
            connection.close()


class Sender(threading.Thread):
    def __init__(self, author, room):
        super().__init__(daemon=True)
        self.author, self.room = author, room
        self.message = None

    def run(self) -> None:
        try:
            self.message = chat.do_send_message(self.author, self.room, "second, early")
        finally:
            connection.close()


@pytest.mark.postgres
async def test_a_sender_committing_late_is_still_synced_in_order(general, member, insider, owner):
    async with socket_of(member) as reader:
        cursor = (await subscribed(reader, general.pk))["cursor"]
        first = HeldSender(insider, general)
        first.start()
        assert await sync_to_async(first.stored.wait, thread_sensitive=False)(5)
        second = Sender(owner, general)
        second.start()
        # The second sender waits on the room's row lock the first holds.
        await sync_to_async(second.join, thread_sensitive=False)(0.5)
        assert second.is_alive(), "the second sender must wait for the first to commit"
        meanwhile = await synced(reader, general.pk, cursor)
        assert (meanwhile["messages"], meanwhile["cursor"]) == ([], cursor)

        first.release.set()
        await sync_to_async(first.join, thread_sensitive=False)(5)
        await sync_to_async(second.join, thread_sensitive=False)(5)
        assert first.message.pk < second.message.pk
        after = await synced(reader, general.pk, meanwhile["cursor"])
    assert [message["body"] for message in after["messages"]] == ["first, late", "second, early"]
    assert [message["seq"] for message in after["messages"]] == [cursor + 1, cursor + 2]
    assert after["cursor"] == cursor + 2


async def test_a_held_message_approved_while_a_reader_is_away_returns_on_sync(
    community, general, member, insider, moderator
):
    async with socket_of(member) as reader:
        cursor = (await subscribed(reader, general.pk))["cursor"]
    held = await sync_to_async(chat.do_send_message)(
        insider, general, "held for review", held_reason="A word on the watch list."
    )
    async with socket_of(member) as reader:
        while_held = await subscribed(reader, general.pk, after=cursor)
        await sync_to_async(check_approve_content)(
            moderator, "chat_message", held.pk, reason="Fine."
        )
        live = await frame_of(reader, "chat.message")
    assert (while_held["messages"], while_held["cursor"]) == ([], cursor)
    assert live["message"]["id"] == held.pk

    async with socket_of(member) as reader:
        back = await synced(reader, general.pk, cursor)
    assert [message["id"] for message in back["messages"]] == [held.pk]
    assert back["messages"][0]["body"] == "held for review"


async def test_an_edit_and_a_deletion_while_a_reader_is_away_return_on_sync(
    general, member, insider
):
    kept = await sent_by(insider, general.pk, "Gamay at 8")
    dropped = await sent_by(insider, general.pk, "wrong room")
    async with socket_of(member) as reader:
        cursor = (await subscribed(reader, general.pk))["cursor"]
    await sync_to_async(chat.check_edit_message)(insider, kept.pk, "Gamay at 9")
    await sync_to_async(chat.check_delete_message)(insider, dropped.pk)
    async with socket_of(member) as reader:
        back = await subscribed(reader, general.pk, after=cursor)
    assert [
        (message["id"], message["body"], message["deleted"]) for message in back["messages"]
    ] == [
        (kept.pk, "Gamay at 9", False),
        (dropped.pk, "", True),
    ]


async def test_a_message_hidden_then_shown_again_returns_on_sync(
    general, member, insider, moderator
):
    shown = await sent_by(insider, general.pk, "a fair point")
    await sync_to_async(check_hide_content)(moderator, "chat_message", shown.pk, reason="Spam?")
    async with socket_of(member) as reader:
        reply = await subscribed(reader, general.pk)
    assert reply["messages"] == []
    await sync_to_async(check_unhide_content)(
        moderator, "chat_message", shown.pk, reason="Not spam."
    )
    async with socket_of(member) as reader:
        back = await synced(reader, general.pk, reply["cursor"])
    assert [message["id"] for message in back["messages"]] == [shown.pk]


# A ban is a gate ------------------------------------------------------------------------------


async def test_after_a_ban_a_message_committed_next_never_arrives(
    community, general, member, owner
):
    async with socket_of(member) as banned:
        await subscribed(banned, general.pk)

        def ban_then_send():
            do_ban_member(community, member)
            return chat.check_send_message(owner, general.pk, "after the ban")

        await sync_to_async(ban_then_send)()
        revoked = await frame_of(banned, "revoked")
        assert revoked["keys"] == [f"room:{general.pk}"]
        assert await banned.receive_nothing(timeout=0.5)


# Reply quotes follow the message rule ---------------------------------------------------------


async def _quotes_seen_by(reader, room_id: int, cursor: int, reply_id: int) -> list[dict]:
    """The reply's `reply_to` in each of subscribe, chat.history, chat.sync and chat.search."""
    quotes = []
    subscribe = await subscribed(reader, room_id)
    quotes.append(next(m for m in subscribe["messages"] if m["id"] == reply_id)["reply_to"])
    await reader.send_json_to({"type": "chat.history", "id": "h", "room": room_id})
    history = await frame_of(reader, "chat.history")
    quotes.append(next(m for m in history["messages"] if m["id"] == reply_id)["reply_to"])
    sync = await synced(reader, room_id, cursor)
    quotes.append(next(m for m in sync["messages"] if m["id"] == reply_id)["reply_to"])
    await reader.send_json_to({"type": "chat.search", "id": "s", "room": room_id, "q": "agree"})
    results = await frame_of(reader, "chat.results")
    quotes.append(next(m for m in results["messages"] if m["id"] == reply_id)["reply_to"])
    return quotes


UNAVAILABLE = {"author": None, "excerpt": None, "unavailable": True}


async def test_a_reply_to_a_hidden_message_quotes_nothing(
    general, member, insider, owner, moderator
):
    parent = await sent_by(insider, general.pk, "something rude")
    reply = await sent_by(owner, general.pk, "I agree", reply_to_id=parent.pk)
    await sync_to_async(check_hide_content)(moderator, "chat_message", parent.pk, reason="Rude.")
    async with socket_of(member) as reader:
        quotes = await _quotes_seen_by(reader, general.pk, 0, reply.pk)
    assert quotes == [{"id": parent.pk, **UNAVAILABLE}] * 4
    async with socket_of(moderator) as reviewer:
        seen_by_moderator = await _quotes_seen_by(reviewer, general.pk, 0, reply.pk)
    assert {quote["excerpt"] for quote in seen_by_moderator} == {"something rude"}


@pytest.mark.parametrize("who_blocks", ["reader", "parent_author"])
async def test_a_reply_to_someone_blocked_either_way_quotes_nothing(
    general, member, insider, owner, who_blocks
):
    parent = await sent_by(insider, general.pk, "psst")
    reply = await sent_by(owner, general.pk, "I agree", reply_to_id=parent.pk)
    if who_blocks == "reader":
        await sync_to_async(do_block)(member, insider)
    else:
        await sync_to_async(do_block)(insider, member)
    async with socket_of(member) as reader:
        quotes = await _quotes_seen_by(reader, general.pk, 0, reply.pk)
    assert quotes == [{"id": parent.pk, **UNAVAILABLE}] * 4
    async with socket_of(owner) as bystander:
        seen = await _quotes_seen_by(bystander, general.pk, 0, reply.pk)
    assert {(quote["author"], quote["excerpt"]) for quote in seen} == {(insider.name, "psst")}


async def test_a_pushed_reply_quotes_nothing_to_sockets_hiding_the_parents_author(
    general, member, insider, owner
):
    parent = await sent_by(insider, general.pk, "psst")
    await sync_to_async(do_block)(member, insider)
    async with socket_of(member) as blocker, socket_of(owner) as bystander:
        await subscribed(blocker, general.pk)
        await subscribed(bystander, general.pk)
        await sent_by(owner, general.pk, "I agree", reply_to_id=parent.pk)
        hidden = await frame_of(blocker, "chat.message")
        quoted = await frame_of(bystander, "chat.message")
    assert hidden["message"]["reply_to"] == {"id": parent.pk, **UNAVAILABLE}
    assert quoted["message"]["reply_to"]["excerpt"] == "psst"


# Presence lists follow blocks -----------------------------------------------------------------


def handles(people: list[dict]) -> set[str]:
    return {person["handle"] for person in people}


@pytest.mark.parametrize("who_blocks", ["viewer", "other"])
async def test_presence_lists_leave_out_people_blocked_either_way(
    general, member, insider, owner, who_blocks
):
    if who_blocks == "viewer":
        await sync_to_async(do_block)(member, insider)
    else:
        await sync_to_async(do_block)(insider, member)
    async with socket_of(insider) as other, socket_of(owner) as third:
        await subscribed(other, general.pk)
        await subscribed(third, general.pk)
        async with socket_of(member) as viewer:
            on_subscribe = await subscribed(viewer, general.pk)
            await viewer.send_json_to({"type": "chat.presence", "id": "p", "room": general.pk})
            answer = await frame_of(viewer, "chat.presence")
            while "id" not in answer:
                answer = await frame_of(viewer, "chat.presence")
            await other.send_json_to({"type": "chat.presence", "id": "p", "room": general.pk})
            their_answer = await frame_of(other, "chat.presence")
            while "id" not in their_answer:
                their_answer = await frame_of(other, "chat.presence")
            await third.send_json_to({"type": "chat.presence", "id": "p", "room": general.pk})
            third_answer = await frame_of(third, "chat.presence")
            while "id" not in third_answer:
                third_answer = await frame_of(third, "chat.presence")
    assert handles(on_subscribe["online"]) == {member.handle, owner.handle}
    assert handles(answer["online"]) == {member.handle, owner.handle}
    assert handles(their_answer["online"]) == {insider.handle, owner.handle}
    assert handles(third_answer["online"]) == {member.handle, insider.handle, owner.handle}


def test_a_community_with_a_held_message_can_still_be_deleted(community, general, insider):
    held = chat.do_send_message(insider, general, "held", held_reason="Watch list.")
    assert WithheldContent.objects.filter(target_id=held.pk).exists()
    do_delete_community(community)
    assert not Community.objects.filter(pk=community.pk).exists()
    assert not ChatRoom.objects.filter(pk=general.pk).exists()
