"""Chat's socket frames. Each handler declares the fields it reads (checked by the socket's
one frame parser before the handler runs, `sosoon_site.frames`), calls the same service the
pages call (through database_sync_to_async), and answers with the frame's `id`. No rules
live here: access, limits and validation are the services' (communities.chat.services).

docs/realtime.md lists every frame, both directions, with examples.
"""

import time
from collections.abc import Callable

from channels.db import database_sync_to_async
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from communities.chat import services as chat
from communities.chat.models import room_group, room_key
from communities.chat.presence import mark_absent, mark_present
from sosoon_site.accounts.models import User
from sosoon_site.frames import Id, Text
from sosoon_site.rate_limits import RateLimited
from sosoon_site.realtime import frame_handler, push_to_group_now, push_to_users_now

TYPING_EVERY_SECONDS = 3.0
# Arrivals and departures are pushed live only while a room has at most this many people
# online: each one is a frame to everyone present, so a crowd joining at once would cost the
# square of its size. Larger rooms refresh their list with the clients' 30 s `chat.presence`.
LIVE_PRESENCE_UP_TO = 100


async def answer(consumer, frame: dict, work: Callable, *args, **kwargs):
    """Run the synchronous `work` in a worker thread; turn its refusals into error frames
    (answering the frame's id) and return None for them."""
    try:
        return await database_sync_to_async(work)(*args, **kwargs)
    except Http404 as error:
        await consumer.send_error("not_found", str(error) or _("Not found."), frame)
    except PermissionDenied as error:
        await consumer.send_error("forbidden", str(error) or _("Not allowed."), frame)
    except ValidationError as error:
        await consumer.send_error("invalid", " ".join(error.messages), frame)
    except RateLimited as error:
        await consumer.send_error(
            "rate_limited", error.message, frame, retry_after=error.retry_after
        )
    return None


def _state(consumer) -> dict:
    return consumer.feature_state.setdefault("chat", {"typing": {}})


def _subscribed_room(consumer, frame: dict) -> int | None:
    """The frame's room id if this socket holds that room's subscription (which revocation
    removes the moment access goes), else None."""
    room_id = frame["room"]
    return room_id if room_key(room_id) in consumer.subscriptions else None


def _visible_people(consumer, people: list[dict]) -> list[dict]:
    """A presence list as this socket may see it: without the people it hides frames from
    (blocked either way), the same rule pushed arrivals and typing follow."""
    return [person for person in people if person["id"] not in consumer.hidden_senders]


# Subscribing -------------------------------------------------------------------------------


def _open_room(user, room_id, after, channel_name: str) -> dict:
    """Check access, then read what the client needs. Called after the socket joined the
    room's group, so a message committed meanwhile arrives by push or here (or both: the
    client de-duplicates by id), never neither. Without `after`, the cursor is the room's
    change number read before the history, so a sync from it misses nothing."""
    room = chat.access_room(user, room_id)
    if after is None:
        cursor = room.last_seq
        messages, has_older = chat.recent_messages(user, room)
        has_more = False
    else:
        messages, has_more, cursor = chat.changes_after(user, room, after)
        has_older = bool(messages) and after > 0
    present = mark_present(room.pk, channel_name, user.pk)
    return {
        "room": chat.room_data(room, viewer=user),
        "messages": chat.messages_data(user, messages),
        "cursor": cursor,
        "has_older": has_older,
        "has_more": has_more,
        "unread": chat.unread_count(user, room),
        "online": _people(present),
    }


def _people(user_ids) -> list[dict]:
    return [chat.person_data(person) for person in User.objects.filter(pk__in=user_ids)]


def _leave_hook(consumer, room_id: int):
    async def leave() -> None:
        still_here = await database_sync_to_async(mark_absent)(room_id, consumer.channel_name)
        if len(still_here) >= LIVE_PRESENCE_UP_TO:
            return
        await push_to_group_now(
            room_group(room_id),
            {
                "type": "chat.presence",
                "room": room_id,
                "person": chat.person_data(consumer.user),
                "online": False,
            },
            sender=consumer.user.pk,
        )

    return leave


@frame_handler("chat.subscribe", room=Id(), after=Id(required=False))
async def subscribe(consumer, frame: dict) -> None:
    room_id, after = frame["room"], frame["after"]
    key, group = room_key(room_id), room_group(room_id)
    already = key in consumer.subscriptions
    # Check before joining, so nothing reaches a socket that may not read the room; join
    # before reading, see _open_room.
    if await answer(consumer, frame, chat.access_room, consumer.user, room_id) is None:
        await consumer.unsubscribe(key)
        return
    await consumer.subscribe(key, group)
    opened = await answer(
        consumer, frame, _open_room, consumer.user, room_id, after, consumer.channel_name
    )
    if opened is None:
        await consumer.unsubscribe(key)
        return
    consumer.leave_hooks[key] = _leave_hook(consumer, room_id)
    crowd = len(opened["online"])
    opened["online"] = _visible_people(consumer, opened["online"])
    await consumer.send_json({"type": "chat.subscribed", "id": frame.get("id"), **opened})
    if not already and crowd <= LIVE_PRESENCE_UP_TO:
        await push_to_group_now(
            group,
            {
                "type": "chat.presence",
                "room": room_id,
                "person": chat.person_data(consumer.user),
                "online": True,
            },
            sender=consumer.user.pk,
        )


@frame_handler("chat.unsubscribe", room=Id())
async def unsubscribe(consumer, frame: dict) -> None:
    room_id = _subscribed_room(consumer, frame)
    if room_id is None:
        await consumer.send_error("not_subscribed", _("This socket is not in that room."), frame)
        return
    await consumer.unsubscribe(room_key(room_id))
    await consumer.send_json({"type": "chat.unsubscribed", "id": frame.get("id"), "room": room_id})


# Messages ----------------------------------------------------------------------------------


@frame_handler("chat.send", room=Id(), body=Text(), reply_to=Id(required=False))
async def send(consumer, frame: dict) -> None:
    message = await answer(
        consumer,
        frame,
        chat.check_send_message,
        consumer.user,
        frame["room"],
        frame["body"],
        reply_to_id=frame["reply_to"],
    )
    if message is not None:
        await acknowledge(consumer, frame, message)


async def acknowledge(consumer, frame: dict, message) -> None:
    """Tell the sending tab its frame `id` became (or changed) message `message_id`."""
    data = await database_sync_to_async(chat.messages_data)(consumer.user, [message])
    await consumer.send_json(
        {
            "type": "chat.ack",
            "id": frame.get("id"),
            "room": message.room_id,
            "message_id": message.pk,
            "message": data[0],
        }
    )


@frame_handler("chat.edit", message=Id(), body=Text())
async def edit(consumer, frame: dict) -> None:
    message = await answer(
        consumer, frame, chat.check_edit_message, consumer.user, frame["message"], frame["body"]
    )
    if message is not None:
        await acknowledge(consumer, frame, message)


@frame_handler("chat.delete", message=Id())
async def delete(consumer, frame: dict) -> None:
    message = await answer(
        consumer, frame, chat.check_delete_message, consumer.user, frame["message"]
    )
    if message is not None:
        await consumer.send_json(
            {
                "type": "chat.ack",
                "id": frame.get("id"),
                "room": message.room_id,
                "message_id": message.pk,
            }
        )


# Reading -----------------------------------------------------------------------------------


def _history(user, room_id, before) -> dict:
    room = chat.access_room(user, room_id)
    messages, has_older = chat.recent_messages(user, room, before=before)
    return {
        "room": room.pk,
        "messages": chat.messages_data(user, messages),
        "has_older": has_older,
    }


@frame_handler("chat.history", room=Id(), before=Id(required=False))
async def history(consumer, frame: dict) -> None:
    page = await answer(consumer, frame, _history, consumer.user, frame["room"], frame["before"])
    if page is not None:
        await consumer.send_json({"type": "chat.history", "id": frame.get("id"), **page})


def _sync(user, room_id, after: int) -> dict:
    room = chat.access_room(user, room_id)
    messages, has_more, cursor = chat.changes_after(user, room, after)
    return {
        "room": room.pk,
        "messages": chat.messages_data(user, messages),
        "cursor": cursor,
        "has_more": has_more,
    }


@frame_handler("chat.sync", room=Id(), after=Id())
async def sync(consumer, frame: dict) -> None:
    missed = await answer(consumer, frame, _sync, consumer.user, frame["room"], frame["after"])
    if missed is not None:
        await consumer.send_json({"type": "chat.synced", "id": frame.get("id"), **missed})


def _search(user, room_id, query) -> dict:
    room, messages = chat.search_messages(user, room_id, query)
    return {"room": room.pk, "messages": chat.messages_data(user, messages)}


@frame_handler("chat.search", room=Id(), q=Text())
async def search(consumer, frame: dict) -> None:
    found = await answer(consumer, frame, _search, consumer.user, frame["room"], frame["q"])
    if found is not None:
        await consumer.send_json({"type": "chat.results", "id": frame.get("id"), **found})


def _mark_read(user, room_id, message_id) -> dict:
    room, last_read = chat.check_mark_read(user, room_id, message_id)
    return {"room": room.pk, "last_read": last_read, "unread": chat.unread_count(user, room)}


@frame_handler("chat.read", room=Id(), message=Id())
async def mark_read(consumer, frame: dict) -> None:
    marker = await answer(
        consumer, frame, _mark_read, consumer.user, frame["room"], frame["message"]
    )
    if marker is not None:
        await consumer.send_json({"type": "chat.read", "id": frame.get("id"), **marker})
        # The person's other tabs update their badges too.
        await push_to_users_now([consumer.user.pk], {"type": "chat.unread", **marker})


# Typing and presence -----------------------------------------------------------------------


@frame_handler("chat.typing", room=Id())
async def typing(consumer, frame: dict) -> None:
    """Tell the room this person is typing; at most once per TYPING_EVERY_SECONDS per room
    and socket (extra frames are dropped quietly: the indicator is already showing)."""
    room_id = _subscribed_room(consumer, frame)
    if room_id is None:
        await consumer.send_error("not_subscribed", _("Subscribe to the room first."), frame)
        return
    last_sent = _state(consumer)["typing"]
    now = time.monotonic()
    if now - last_sent.get(room_id, 0.0) < TYPING_EVERY_SECONDS:
        return
    last_sent[room_id] = now
    await push_to_group_now(
        room_group(room_id),
        {"type": "chat.typing", "room": room_id, "person": chat.person_data(consumer.user)},
        sender=consumer.user.pk,
    )


def _refresh_presence(room_id: int, channel_name: str, user_id: int) -> list[dict]:
    return _people(mark_present(room_id, channel_name, user_id))


@frame_handler("chat.presence", room=Id())
async def presence(consumer, frame: dict) -> None:
    """Keep this socket listed as present (clients send it every 30 s) and say who is."""
    room_id = _subscribed_room(consumer, frame)
    if room_id is None:
        await consumer.send_error("not_subscribed", _("Subscribe to the room first."), frame)
        return
    online = await database_sync_to_async(_refresh_presence)(
        room_id, consumer.channel_name, consumer.user.pk
    )
    await consumer.send_json(
        {
            "type": "chat.presence",
            "id": frame.get("id"),
            "room": room_id,
            "online": _visible_people(consumer, online),
        }
    )
