"""Extension points of the /ws/ socket, so apps add features without editing the consumer.

- `frame_handler("type", field=Id(), ...)` registers an async handler `(consumer, frame)` for
  a client frame type and the fields it reads (`sosoon_site.frames`): the consumer checks
  them before the handler runs, so handlers never see a wrong type. Apps register theirs in
  `AppConfig.ready` (imports still point apps -> sosoon_site).
- Every signed-in socket joins its person's group (`user_group`). `push_to_users` sends a frame
  to every open socket of the given people: the caller picks the recipients with the audience
  policy, after commit, so nothing reaches someone who may not see it.
- `revoke_for_users` tells those people's sockets to drop subscriptions at once (a ban, a
  block, a tier change), with a frame saying so; `sign_out_users` closes their sockets
  altogether (a suspended account).
- `push_to_group` sends a frame to every socket subscribed to a group (a chat room), after
  commit. A frame may name its `sender`: sockets of people who blocked the sender, or were
  blocked by them, drop it (`hide_senders_for_users` keeps each socket's list current). It
  may also name people it quotes (`quoting`) and a `variant` for sockets hiding them. A
  socket delivers a group's frame only while it still holds a subscription to that group,
  so nothing of a room arrives after `revoked`.
- `sign_out_session` closes the sockets of one browser session (signing out) with 4401.
"""

import asyncio
import contextlib
import functools
import hashlib
import json
import logging
import weakref
from collections.abc import Awaitable, Callable, Coroutine, Iterable

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from sosoon_site.frames import Field
from sosoon_site.languages import pushed

logger = logging.getLogger(__name__)
FrameHandler = Callable[..., Awaitable[None]]
_frame_handlers: dict[str, tuple[FrameHandler, dict[str, Field]]] = {}


def frame_handler(frame_type: str, **fields: Field) -> Callable[[FrameHandler], FrameHandler]:
    """Register the decorated coroutine as the handler of client frames of `frame_type`,
    which reads `fields` (checked before it runs)."""

    def register(handler: FrameHandler) -> FrameHandler:
        registered = _frame_handlers.get(frame_type)
        if registered is not None and registered[0] is not handler:
            raise ValueError(f"Two handlers for socket frame type {frame_type!r}.")
        _frame_handlers[frame_type] = (handler, fields)
        return handler

    return register


def handler_for(frame_type) -> tuple[FrameHandler, dict[str, Field]] | None:
    """The handler of `frame_type` and the fields it reads, or None."""
    return _frame_handlers.get(frame_type) if isinstance(frame_type, str) else None


def session_group(session_key: str) -> str:
    """The channel-layer group of one browser session's sockets. Named by a digest, so the
    layer (Redis) never holds a session key."""
    return "session." + hashlib.sha256(session_key.encode()).hexdigest()[:40]


def user_group(user_id: int) -> str:
    """The channel-layer group every open socket of one person belongs to."""
    return f"user.{user_id}"


async def push_to_users_now(user_ids: Iterable[int], frame: dict) -> None:
    """Send `frame` to every open socket of these people. Best-effort: the database is the
    record, and a client that was offline catches up from it."""
    layer = get_channel_layer()
    for user_id in set(user_ids):
        await layer.group_send(user_group(user_id), {"type": "push.frame", "frame": frame})


async def revoke_for_users_now(user_ids: Iterable[int], keys: Iterable[str], reason: str) -> None:
    """Make these people's sockets drop the subscriptions named by `keys` and say why."""
    layer = get_channel_layer()
    event = {"type": "push.revoke", "keys": sorted(set(keys)), "reason": pushed(reason)}
    for user_id in set(user_ids):
        await layer.group_send(user_group(user_id), event)


async def push_to_group_now(
    group: str,
    frame: dict,
    *,
    sender: int | None = None,
    quoting: Iterable[int] = (),
    variant: dict | None = None,
) -> None:
    """Send `frame` to every socket subscribed to `group`. Caller checked who subscribes.
    Sockets hiding `sender` drop it; sockets hiding one of the people in `quoting` get
    `variant` instead (e.g. a reply without its parent's excerpt)."""
    # Serialised once here rather than once per receiving socket: a room of K sockets would
    # otherwise encode the same frame K times.
    event = {"type": "push.frame", "text": json.dumps(frame), "sender": sender, "group": group}
    quoting = sorted(set(quoting))
    if quoting and variant is not None:
        event.update(quoting=quoting, variant=json.dumps(variant))
    await get_channel_layer().group_send(group, event)


async def hide_senders_for_users_now(
    user_ids: Iterable[int], senders: Iterable[int], *, hidden: bool
) -> None:
    """Make these people's sockets drop (or again accept) frames sent by `senders`."""
    layer = get_channel_layer()
    event = {"type": "push.hide", "senders": sorted(set(senders)), "hidden": hidden}
    for user_id in set(user_ids):
        await layer.group_send(user_group(user_id), event)


def push_to_group(group: str, frame: dict, **options) -> None:
    """From synchronous code: push `frame` to a group once the current transaction commits.

    Called from a socket handler's worker thread, the push is handed to the socket's event
    loop and the thread moves on: that one thread does every database call of the process's
    sockets, and waiting while the loop fans a message out to a large room would hold up
    every other socket's next frame. Pushes still go out in the order they were made.
    """
    transaction.on_commit(lambda: _push_soon(push_to_group_now, group, frame, **options))


def _push_soon(push: Callable[..., Coroutine], *args, **kwargs) -> None:
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is None or not loop.is_running():
        # Plain synchronous code (a q2 worker, a management command): just wait.
        _push_and_wait(push, *args, **kwargs)
        return
    loop.call_soon_threadsafe(_queue_push, loop, functools.partial(push, *args, **kwargs))


# Per event loop, the last push handed over: the next one waits for it, so frames about one
# message (sent, then edited) reach sockets in the order they happened.
_last_push: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Task]" = (
    weakref.WeakKeyDictionary()
)


def _queue_push(loop: asyncio.AbstractEventLoop, push: Callable[[], Coroutine]) -> None:
    """Runs on `loop`: chain `push` after the previous one."""
    _last_push[loop] = loop.create_task(_after(_last_push.get(loop), push))


async def _after(previous: "asyncio.Task | None", push: Callable[[], Coroutine]) -> None:
    if previous is not None:
        with contextlib.suppress(Exception):
            await previous
    try:
        await push()
    except Exception:
        # Pushing is best-effort (clients catch up from the database), but say so.
        logger.exception("A socket push failed.")


def _push_and_wait(push: Callable[..., Coroutine], *args, **kwargs) -> None:
    """Run the push from synchronous code after commit. A push that fails (Redis down) is
    logged and skipped: the write it announces is committed, and must not become an error."""
    try:
        async_to_sync(push)(*args, **kwargs)
    except Exception:
        logger.exception("A socket push failed; clients catch up from the database.")


def hide_senders_for_users(user_ids: Iterable[int], senders: Iterable[int], *, hidden: bool):
    """From synchronous code: `hide_senders_for_users_now` once the transaction commits."""
    recipients, names = list(user_ids), list(senders)
    transaction.on_commit(
        lambda: _push_and_wait(hide_senders_for_users_now, recipients, names, hidden=hidden)
    )


def push_to_users(user_ids: Iterable[int], frame: dict) -> None:
    """From synchronous code: push `frame` once the current transaction commits."""
    recipients = list(user_ids)
    transaction.on_commit(lambda: _push_and_wait(push_to_users_now, recipients, frame))


def revoke_for_users(user_ids: Iterable[int], keys: Iterable[str], reason: str) -> None:
    """From synchronous code: revoke once the current transaction commits."""
    recipients, names = list(user_ids), list(keys)
    transaction.on_commit(lambda: _push_and_wait(revoke_for_users_now, recipients, names, reason))


async def sign_out_users_now(user_ids: Iterable[int], reason: str) -> None:
    """Close every open socket of these people (an account suspended), saying why."""
    layer = get_channel_layer()
    for user_id in set(user_ids):
        await layer.group_send(
            user_group(user_id), {"type": "push.sign_out", "reason": pushed(reason)}
        )


def sign_out_users(user_ids: Iterable[int], reason: str) -> None:
    """From synchronous code: close these people's sockets once the transaction commits."""
    recipients = list(user_ids)
    transaction.on_commit(lambda: _push_and_wait(sign_out_users_now, recipients, reason))


async def sign_out_session_now(session_key: str, reason: str) -> None:
    """Close every open socket of one browser session with 4401, saying why."""
    await get_channel_layer().group_send(
        session_group(session_key), {"type": "push.sign_out", "reason": pushed(reason)}
    )


def sign_out_session(session_key: str | None, reason: str) -> None:
    """From synchronous code: close this session's sockets (once the transaction commits)."""
    if session_key:
        transaction.on_commit(lambda: _push_and_wait(sign_out_session_now, session_key, reason))
