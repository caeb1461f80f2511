"""Chat over the /ws/ socket: every frame type, allowed and denied, revocation, sync after a
dropped connection, and the limits. Sockets are real (WebsocketCommunicator through the whole
ASGI stack, with an Origin header and a session cookie) and always disconnected."""

import json
from contextlib import asynccontextmanager

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings

from communities.chat import services as chat
from communities.models import ChatMessage, ChatRoom, Membership, ReadState
from communities.services.members import (
    check_leave_community,
    do_ban_member,
    do_change_role,
    do_change_tier,
    do_remove_member,
)
from sosoon_site.accounts.blocks import do_block, do_unblock
from tests.site.test_socket import connect_as

pytestmark = pytest.mark.django_db(transaction=True)


@asynccontextmanager
async def socket_of(user):
    communicator = await connect_as(user)
    connected, _ = await communicator.connect()
    assert connected
    try:
        yield communicator
    finally:
        await communicator.disconnect()


async def frame_of(communicator, frame_type: str, *, timeout: float = 2) -> dict:
    """The next frame of `frame_type`, skipping others (presence, typing, pushes)."""
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == frame_type:
            return frame


async def none_of(communicator, frame_type: str, *, within: float = 0.3) -> bool:
    """Whether no frame of `frame_type` arrives within `within` seconds (others skipped).
    receive_nothing, unlike a timed-out receive, leaves the application running."""
    while not await communicator.receive_nothing(timeout=within):
        if (await communicator.receive_json_from())["type"] == frame_type:
            return False
    return True


async def subscribed(communicator, room_id: int, **extra) -> dict:
    await communicator.send_json_to({"type": "chat.subscribe", "id": "s", "room": room_id, **extra})
    return await frame_of(communicator, "chat.subscribed")


async def error_for(communicator, frame: dict) -> dict:
    await communicator.send_json_to(frame)
    reply = await frame_of(communicator, "error")
    assert reply["id"] == frame["id"]
    return reply


@pytest.fixture
def general(community):
    return ChatRoom.objects.get(community=community, name="general")


@pytest.fixture
def insiders_room(community, owner):
    return chat.check_create_room(
        Membership.objects.get(user=owner, community=community),
        community,
        name="insiders",
        minimum_tier=community.tiers.get(name="Insider"),
    )


sent_by = sync_to_async(chat.check_send_message)


# chat.subscribe ----------------------------------------------------------------------------


async def test_subscribing_answers_with_recent_history_unread_and_who_is_online(
    general, member, insider
):
    first = await sent_by(insider, general.pk, "first pour")
    async with socket_of(member) as socket:
        reply = await subscribed(socket, general.pk)
    assert reply["id"] == "s"
    assert reply["room"]["name"] == "general"
    assert [message["id"] for message in reply["messages"]] == [first.pk]
    assert reply["messages"][0]["html"] == "<p>first pour</p>"
    assert (reply["unread"], reply["has_older"]) == (1, False)
    assert [person["handle"] for person in reply["online"]] == [member.handle]


@pytest.mark.parametrize("who", ["outsider", "banned"])
async def test_non_members_get_the_same_error_as_for_a_missing_room(request, general, who):
    person = await sync_to_async(request.getfixturevalue)(who)
    async with socket_of(person) as socket:
        forbidden = await error_for(socket, {"type": "chat.subscribe", "id": 1, "room": general.pk})
        missing = await error_for(socket, {"type": "chat.subscribe", "id": 2, "room": 99999})
        assert (forbidden["code"], forbidden["message"]) == (missing["code"], missing["message"])
        assert forbidden["code"] == "not_found"
        await sent_by(await sync_to_async(lambda: general.community.owner)(), general.pk, "psst")
        assert await socket.receive_nothing(timeout=0.2), "nothing leaks to a refused socket"


async def test_a_tier_room_refuses_lower_tiers(insiders_room, member):
    async with socket_of(member) as socket:
        error = await error_for(
            socket, {"type": "chat.subscribe", "id": 1, "room": insiders_room.pk}
        )
    assert error["code"] == "not_found"


async def test_subscribe_needs_a_room_id(member):
    async with socket_of(member) as socket:
        error = await error_for(socket, {"type": "chat.subscribe", "id": 1, "room": "general"})
    assert error["code"] == "invalid"


# chat.send, chat.ack, chat.message ---------------------------------------------------------


async def test_a_sent_message_is_acknowledged_with_its_id_and_reaches_the_room(
    general, member, insider
):
    async with socket_of(member) as sender, socket_of(insider) as reader:
        await subscribed(sender, general.pk)
        await subscribed(reader, general.pk)
        await sender.send_json_to(
            {"type": "chat.send", "id": "c7", "room": general.pk, "body": "Gamay *tonight*"}
        )
        ack = await frame_of(sender, "chat.ack")
        pushed = await frame_of(reader, "chat.message")
    stored = await sync_to_async(ChatMessage.objects.get)()
    assert (ack["id"], ack["message_id"], ack["room"]) == ("c7", stored.pk, general.pk)
    assert pushed["message"]["id"] == stored.pk
    assert pushed["message"]["html"] == "<p>Gamay <em>tonight</em></p>"
    assert pushed["message"]["author"]["handle"] == member.handle


async def test_sending_to_a_room_one_may_not_read_is_refused(insiders_room, member):
    async with socket_of(member) as socket:
        error = await error_for(
            socket, {"type": "chat.send", "id": 1, "room": insiders_room.pk, "body": "hi"}
        )
    assert error["code"] == "not_found"
    assert not await sync_to_async(ChatMessage.objects.exists)()


async def test_an_overlong_message_gets_an_error_and_the_socket_stays_open(general, member):
    async with socket_of(member) as socket:
        error = await error_for(
            socket, {"type": "chat.send", "id": 1, "room": general.pk, "body": "x" * 4001}
        )
        assert error["code"] == "invalid"
        await socket.send_json_to({"type": "ping", "id": "p"})
        assert (await frame_of(socket, "pong"))["id"] == "p"


async def test_the_rate_limit_answers_with_when_to_retry(general, member):
    async with socket_of(member) as socket:
        for number in range(10):
            await socket.send_json_to(
                {"type": "chat.send", "id": number, "room": general.pk, "body": f"m{number}"}
            )
            await frame_of(socket, "chat.ack")
        error = await error_for(
            socket, {"type": "chat.send", "id": "x", "room": general.pk, "body": "flood"}
        )
    assert error["code"] == "rate_limited"
    assert 0 < error["retry_after"] <= 1.0
    assert await sync_to_async(ChatMessage.objects.count)() == 10


async def test_a_reply_carries_what_it_replies_to(general, member, insider):
    first = await sent_by(insider, general.pk, "Which grape?")
    async with socket_of(member) as socket:
        await subscribed(socket, general.pk)
        await socket.send_json_to(
            {
                "type": "chat.send",
                "id": 1,
                "room": general.pk,
                "body": "Gamay",
                "reply_to": first.pk,
            }
        )
        ack = await frame_of(socket, "chat.ack")
        bad = await error_for(
            socket, {"type": "chat.send", "id": 2, "room": general.pk, "body": "x", "reply_to": "a"}
        )
    assert ack["message"]["reply_to"]["id"] == first.pk
    assert bad["code"] == "invalid"


# chat.edit, chat.delete --------------------------------------------------------------------


async def test_editing_my_message_reaches_the_room_and_others_may_not(general, member, insider):
    mine = await sent_by(member, general.pk, "helo")
    async with socket_of(member) as author, socket_of(insider) as reader:
        await subscribed(reader, general.pk)
        await author.send_json_to(
            {"type": "chat.edit", "id": 1, "message": mine.pk, "body": "hello"}
        )
        assert (await frame_of(author, "chat.ack"))["message_id"] == mine.pk
        edited = await frame_of(reader, "chat.edited")
        refused = await error_for(
            reader, {"type": "chat.edit", "id": 2, "message": mine.pk, "body": "hijack"}
        )
    assert edited["message"]["body"] == "hello"
    assert edited["message"]["edited"]
    assert refused["code"] == "forbidden"


async def test_moderators_delete_any_message_and_members_only_their_own(
    general, member, insider, moderator
):
    message = await sent_by(member, general.pk, "off topic")
    async with socket_of(insider) as bystander, socket_of(moderator) as mod:
        await subscribed(bystander, general.pk)
        refused = await error_for(
            bystander, {"type": "chat.delete", "id": 1, "message": message.pk}
        )
        await mod.send_json_to({"type": "chat.delete", "id": 2, "message": message.pk})
        assert (await frame_of(mod, "chat.ack"))["message_id"] == message.pk
        deleted = await frame_of(bystander, "chat.deleted")
    assert refused["code"] == "forbidden"
    assert deleted == {
        "type": "chat.deleted",
        "room": general.pk,
        "message_id": message.pk,
        "seq": message.seq + 1,
    }


# chat.history, chat.sync -------------------------------------------------------------------


async def test_history_pages_backwards_and_is_refused_without_access(
    general, insiders_room, member
):
    sent = [
        (await sync_to_async(chat.do_send_message)(member, general, f"m{n}")).pk for n in range(60)
    ]
    async with socket_of(member) as socket:
        reply = await subscribed(socket, general.pk)
        assert reply["has_older"]
        await socket.send_json_to(
            {
                "type": "chat.history",
                "id": 1,
                "room": general.pk,
                "before": reply["messages"][0]["id"],
            }
        )
        page = await frame_of(socket, "chat.history")
        refused = await error_for(
            socket, {"type": "chat.history", "id": 2, "room": insiders_room.pk}
        )
    assert [message["id"] for message in page["messages"]] == sent[:10]
    assert not page["has_older"]
    assert refused["code"] == "not_found"


async def test_after_a_dropped_socket_sync_returns_exactly_what_was_missed(
    general, member, insider
):
    async with socket_of(member) as socket:
        reply = await subscribed(socket, general.pk)
        seen = await sent_by(insider, general.pk, "seen live")
        live = (await frame_of(socket, "chat.message"))["message"]
        assert (live["id"], live["seq"]) == (seen.pk, seen.seq)
        assert reply["messages"] == []
    missed = [await sent_by(insider, general.pk, f"while away {n}") for n in range(3)]

    async with socket_of(member) as socket:
        await socket.send_json_to(
            {"type": "chat.sync", "id": "r1", "room": general.pk, "after": live["seq"]}
        )
        synced = await frame_of(socket, "chat.synced")
        resubscribed = await subscribed(socket, general.pk, after=missed[1].seq)
    assert [message["id"] for message in synced["messages"]] == [m.pk for m in missed]
    assert (synced["id"], synced["has_more"], synced["cursor"]) == ("r1", False, missed[2].seq)
    assert [message["id"] for message in resubscribed["messages"]] == [missed[2].pk]


async def test_sync_is_refused_without_access_or_without_an_id(general, outsider, member):
    async with socket_of(outsider) as socket:
        refused = await error_for(
            socket, {"type": "chat.sync", "id": 1, "room": general.pk, "after": 0}
        )
    async with socket_of(member) as socket:
        invalid = await error_for(socket, {"type": "chat.sync", "id": 2, "room": general.pk})
    assert (refused["code"], invalid["code"]) == ("not_found", "invalid")


# chat.search, chat.read --------------------------------------------------------------------


async def test_search_in_a_room_and_refused_elsewhere(general, insiders_room, member, insider):
    await sent_by(insider, general.pk, "Loire pét-nat")
    await sent_by(insider, insiders_room.pk, "Loire allocation")
    async with socket_of(member) as socket:
        await socket.send_json_to(
            {"type": "chat.search", "id": 1, "room": general.pk, "q": "loire"}
        )
        results = await frame_of(socket, "chat.results")
        refused = await error_for(
            socket, {"type": "chat.search", "id": 2, "room": insiders_room.pk, "q": "loire"}
        )
    assert [message["body"] for message in results["messages"]] == ["Loire pét-nat"]
    assert refused["code"] == "not_found"


async def test_reading_moves_the_marker_and_updates_my_other_tabs(general, member, insider):
    message = await sent_by(insider, general.pk, "news")
    async with socket_of(member) as tab, socket_of(member) as other_tab:
        await tab.send_json_to(
            {"type": "chat.read", "id": 1, "room": general.pk, "message": message.pk}
        )
        marker = await frame_of(tab, "chat.read")
        badge = await frame_of(other_tab, "chat.unread")
    assert (marker["last_read"], marker["unread"]) == (message.pk, 0)
    assert badge == {
        "type": "chat.unread",
        "room": general.pk,
        "last_read": message.pk,
        "unread": 0,
    }
    state = await sync_to_async(ReadState.objects.get)(user=member, room=general)
    assert state.last_read_id == message.pk


async def test_reading_a_room_one_may_not_read_is_refused(insiders_room, member):
    async with socket_of(member) as socket:
        error = await error_for(
            socket, {"type": "chat.read", "id": 1, "room": insiders_room.pk, "message": 1}
        )
    assert error["code"] == "not_found"


# chat.typing, chat.presence, chat.unsubscribe ----------------------------------------------


async def test_typing_reaches_the_others_at_most_every_three_seconds(general, member, insider):
    async with socket_of(member) as typist, socket_of(insider) as reader:
        await subscribed(typist, general.pk)
        await subscribed(reader, general.pk)
        await typist.send_json_to({"type": "chat.typing", "room": general.pk})
        await typist.send_json_to({"type": "chat.typing", "room": general.pk})
        first = await frame_of(reader, "chat.typing")
        assert first["person"]["handle"] == member.handle
        assert await none_of(reader, "chat.typing")


async def test_typing_and_presence_need_a_subscription(general, member):
    async with socket_of(member) as socket:
        typing = await error_for(socket, {"type": "chat.typing", "id": 1, "room": general.pk})
        presence = await error_for(socket, {"type": "chat.presence", "id": 2, "room": general.pk})
        leaving = await error_for(socket, {"type": "chat.unsubscribe", "id": 3, "room": general.pk})
    assert {typing["code"], presence["code"], leaving["code"]} == {"not_subscribed"}


async def test_presence_lists_who_is_here_and_says_who_left(general, member, insider):
    async with socket_of(member) as staying:
        await subscribed(staying, general.pk)
        own_arrival = await frame_of(staying, "chat.presence")
        assert own_arrival["person"]["handle"] == member.handle
        async with socket_of(insider) as visitor:
            await subscribed(visitor, general.pk)
            joined = await frame_of(staying, "chat.presence")
            await staying.send_json_to({"type": "chat.presence", "id": "h", "room": general.pk})
            listed = await frame_of(staying, "chat.presence")
            await visitor.send_json_to({"type": "chat.unsubscribe", "id": "u", "room": general.pk})
            assert (await frame_of(visitor, "chat.unsubscribed"))["room"] == general.pk
        left = await frame_of(staying, "chat.presence")
    assert (joined["person"]["handle"], joined["online"]) == (insider.handle, True)
    assert {person["handle"] for person in listed["online"]} == {member.handle, insider.handle}
    assert (left["person"]["handle"], left["online"]) == (insider.handle, False)


# Revocation --------------------------------------------------------------------------------


def _membership(user, community):
    return Membership.objects.get(user=user, community=community)


@pytest.mark.parametrize("how", ["removed", "banned", "left", "tier"])
async def test_losing_access_drops_the_room_from_every_open_socket_at_once(
    community, insiders_room, insider, owner, how
):
    membership = await sync_to_async(_membership)(insider, community)
    async with socket_of(insider) as first_tab, socket_of(insider) as second_tab:
        await subscribed(first_tab, insiders_room.pk)
        await subscribed(second_tab, insiders_room.pk)
        if how == "removed":
            await sync_to_async(do_remove_member)(membership)
        elif how == "banned":
            await sync_to_async(do_ban_member)(community, insider)
        elif how == "left":
            await sync_to_async(check_leave_community)(membership)
        else:
            await sync_to_async(do_change_tier)(
                membership, await sync_to_async(community.tiers.get)(rank=0)
            )
        for tab in (first_tab, second_tab):
            revoked = await frame_of(tab, "revoked", timeout=1)
            assert revoked["keys"] == [f"room:{insiders_room.pk}"]
            assert revoked["reason"]
        await sync_to_async(chat.do_send_message)(owner, insiders_room, "after they left")
        for tab in (first_tab, second_tab):
            assert await none_of(tab, "chat.message")


async def test_a_tier_change_that_keeps_access_revokes_nothing(community, general, insider):
    membership = await sync_to_async(_membership)(insider, community)
    async with socket_of(insider) as socket:
        await subscribed(socket, general.pk)
        await sync_to_async(do_change_tier)(
            membership, await sync_to_async(community.tiers.get)(rank=0)
        )
        assert await none_of(socket, "revoked")


async def test_raising_a_rooms_tier_revokes_the_people_it_shuts_out(
    community, owner, member, admin, general
):
    """The member and the admin are both in the base tier: the member loses the room, the
    admin (who reads every tier's rooms) keeps it."""
    async with socket_of(member) as socket, socket_of(admin) as admin_socket:
        await subscribed(socket, general.pk)
        room = await sync_to_async(chat.check_create_room)(
            await sync_to_async(_membership)(owner, community), community, name="later"
        )
        await subscribed(socket, room.pk)
        await subscribed(admin_socket, room.pk)
        await sync_to_async(chat.check_update_room)(
            await sync_to_async(_membership)(owner, community),
            room,
            minimum_tier=await sync_to_async(community.tiers.get)(name="Insider"),
        )
        revoked = await frame_of(socket, "revoked", timeout=1)
        assert await none_of(admin_socket, "revoked")
    assert revoked["keys"] == [f"room:{room.pk}"]


async def test_an_admin_made_a_member_loses_the_tier_room_on_the_open_socket(
    community, owner, admin
):
    room = await sync_to_async(chat.check_create_room)(
        await sync_to_async(_membership)(owner, community),
        community,
        name="insiders",
        minimum_tier=await sync_to_async(community.tiers.get)(name="Insider"),
    )
    async with socket_of(admin) as socket:
        await subscribed(socket, room.pk)
        await sync_to_async(do_change_role)(
            await sync_to_async(_membership)(admin, community), "member"
        )
        revoked = await frame_of(socket, "revoked", timeout=1)
    assert revoked["keys"] == [f"room:{room.pk}"]


async def test_a_block_closes_the_direct_room_for_both_and_hides_room_messages(
    general, member, insider
):
    direct = await sync_to_async(chat.check_open_direct_room)(member, insider.handle)
    async with socket_of(member) as blocker, socket_of(insider) as blocked:
        for socket in (blocker, blocked):
            await subscribed(socket, direct.pk)
            await subscribed(socket, general.pk)
        await sync_to_async(do_block)(member, insider)
        for socket in (blocker, blocked):
            assert (await frame_of(socket, "revoked", timeout=1))["keys"] == [f"room:{direct.pk}"]
        await sent_by(insider, general.pk, "can you hear me")
        assert await none_of(blocker, "chat.message")

        await sync_to_async(do_unblock)(member, insider)
        await sent_by(insider, general.pk, "and now?")
        assert (await frame_of(blocker, "chat.message"))["message"]["body"] == "and now?"


async def test_a_direct_message_tells_only_its_recipient_to_refresh_the_messages_badge(
    general, member, insider, moderator
):
    direct = await sync_to_async(chat.check_open_direct_room)(member, insider.handle)
    async with socket_of(insider) as recipient, socket_of(moderator) as bystander:
        message = await sent_by(member, direct.pk, "Jura on Friday?")
        assert await frame_of(recipient, "direct.changed") == {"type": "direct.changed"}
        assert await none_of(bystander, "direct.changed")
        await sent_by(member, general.pk, "a room message")
        assert await none_of(recipient, "direct.changed"), "only direct messages move it"

        async with socket_of(insider) as other_tab:
            await sync_to_async(chat.check_mark_read)(insider, direct.pk, message.pk)
            assert await frame_of(other_tab, "direct.changed") == {"type": "direct.changed"}
            await sync_to_async(chat.check_mark_read)(insider, direct.pk, message.pk)
            assert await none_of(other_tab, "direct.changed"), "reading again changes nothing"


# Frame limits ------------------------------------------------------------------------------


async def test_oversize_and_malformed_chat_frames_keep_the_socket_open(general, member):
    async with socket_of(member) as socket:
        await socket.send_to(
            text_data=json.dumps(
                {
                    "type": "chat.send",
                    "room": general.pk,
                    "body": "x" * settings.SOSOON_WS_MAX_FRAME_BYTES,
                }
            )
        )
        assert (await frame_of(socket, "error"))["code"] == "frame_too_large"
        await socket.send_to(text_data='{"type": "chat.send", "room": ')
        assert (await frame_of(socket, "error"))["code"] == "bad_json"
        error = await error_for(
            socket, {"type": "chat.send", "id": 3, "room": general.pk, "body": 5}
        )
        assert error["code"] == "invalid"
        reply = await subscribed(socket, general.pk)
        assert reply["room"]["id"] == general.pk


async def test_crowded_rooms_stop_pushing_every_arrival(monkeypatch, general, member, insider):
    from communities.chat import consumers

    monkeypatch.setattr(consumers, "LIVE_PRESENCE_UP_TO", 1)
    async with socket_of(member) as staying:
        await subscribed(staying, general.pk)
        assert (await frame_of(staying, "chat.presence"))["person"]["handle"] == member.handle
        async with socket_of(insider) as visitor:
            reply = await subscribed(visitor, general.pk)
            assert {person["handle"] for person in reply["online"]} == {
                member.handle,
                insider.handle,
            }
            assert await none_of(staying, "chat.presence")
            await staying.send_json_to({"type": "chat.presence", "id": "h", "room": general.pk})
            listed = await frame_of(staying, "chat.presence")
    assert len(listed["online"]) == 2


async def test_pushes_reach_the_room_in_the_order_they_happened(general, member, insider):
    async with socket_of(member) as sender, socket_of(insider) as reader:
        await subscribed(reader, general.pk)
        for number in range(5):
            await sender.send_json_to(
                {"type": "chat.send", "id": number, "room": general.pk, "body": f"m{number}"}
            )
        first = (await frame_of(sender, "chat.ack"))["message_id"]
        await sender.send_json_to({"type": "chat.edit", "id": "e", "message": first, "body": "m0!"})
        seen = []
        while len(seen) < 6:
            frame = await reader.receive_json_from()
            if frame["type"] in {"chat.message", "chat.edited"}:
                seen.append((frame["type"], frame["message"]["body"]))
    assert seen == [("chat.message", f"m{number}") for number in range(5)] + [
        ("chat.edited", "m0!")
    ]
