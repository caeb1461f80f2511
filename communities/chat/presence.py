"""Who is online in a chat room, kept in the shared cache (Redis in production), so sockets
on every process see the same list.

Each room has one cache entry mapping socket channel names to (person id, expiry). A socket
marks itself present when it subscribes and refreshes that every PRESENCE_REFRESH_SECONDS
(the client's `chat.presence` frame); it is removed when it unsubscribes, disconnects or
loses access. An entry that is not refreshed (a process that died) expires on its own.
Updates are read-modify-write without a lock: two sockets joining at the same instant on two
processes can lose one entry until its next refresh. Presence is a hint, never a permission.
"""

import time

from django.core.cache import cache

PRESENCE_REFRESH_SECONDS = 30
PRESENCE_TTL_SECONDS = 75


def _key(room_id: int) -> str:
    return f"chat:presence:{room_id}"


def _live_entries(room_id: int, now: float) -> dict[str, list]:
    entries = cache.get(_key(room_id)) or {}
    return {channel: entry for channel, entry in entries.items() if entry[1] > now}


def mark_present(room_id: int, channel_name: str, user_id: int) -> set[int]:
    """Record this socket in the room; return the ids of everyone present."""
    now = time.time()
    entries = _live_entries(room_id, now)
    entries[channel_name] = [user_id, now + PRESENCE_TTL_SECONDS]
    cache.set(_key(room_id), entries, PRESENCE_TTL_SECONDS)
    return {entry[0] for entry in entries.values()}


def mark_absent(room_id: int, channel_name: str) -> set[int]:
    """Forget this socket in the room; return the ids of everyone still present."""
    entries = _live_entries(room_id, time.time())
    entries.pop(channel_name, None)
    cache.set(_key(room_id), entries, PRESENCE_TTL_SECONDS)
    return {entry[0] for entry in entries.values()}


def present_user_ids(room_id: int) -> set[int]:
    return {entry[0] for entry in _live_entries(room_id, time.time()).values()}
