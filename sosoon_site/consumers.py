"""The one WebSocket per browser tab, at /ws/.

Frames are JSON objects with a `type` and a client-chosen `id` that replies echo back. Bad
input never closes the socket: it gets an `error` frame with a code and the socket stays open.
Signed-out sockets are accepted and then closed with 4401, so browsers can tell "sign in
again" from a network failure. Features register frame types in `sosoon_site.realtime`;
docs/realtime.md lists every frame type.
"""

from collections.abc import Awaitable, Callable

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from sosoon_site.accounts.blocks import blocked_user_ids
from sosoon_site.frames import FrameError, check_fields, client_id, decode
from sosoon_site.languages import readable, socket_language
from sosoon_site.realtime import frame_handler, handler_for, session_group, user_group

LeaveHook = Callable[[], Awaitable[None]]

CLOSE_UNAUTHENTICATED = 4401


class SocketConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.user = self.scope["user"]
        self.person_group = None
        self.session_group = None
        # Subscriptions this socket holds: a feature's key (e.g. "room:12") -> layer group.
        self.subscriptions: dict[str, str] = {}
        # What a feature does when a subscription ends, however it ends (e.g. presence).
        self.leave_hooks: dict[str, LeaveHook] = {}
        # People blocked either way: frames pushed with one of them as `sender` are dropped.
        self.hidden_senders: set[int] = set()
        # Per-socket state features keep between frames (e.g. typing throttles), by feature.
        self.feature_state: dict[str, dict] = {}
        # Replies to this socket's frames (a refusal's message) are in its person's language.
        self.language = socket_language(self.user, self.scope.get("headers", []))
        await self.accept()
        if not self.user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.person_group = user_group(self.user.pk)
        await self.channel_layer.group_add(self.person_group, self.channel_name)
        session_key = self.scope["session"].session_key
        if session_key:
            self.session_group = session_group(session_key)
            await self.channel_layer.group_add(self.session_group, self.channel_name)
        self.hidden_senders = await database_sync_to_async(_blocked_ids)(self.user)

    async def disconnect(self, code):
        for key in list(self.subscriptions):
            await self.unsubscribe(key)
        for group in (self.person_group, self.session_group):
            if group:
                await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """Every client frame, handled in the language of the person whose socket it is."""
        with translation.override(self.language):
            await self.receive_frame(text_data)

    async def receive_frame(self, text_data: str | None) -> None:
        """One client frame: parsed and checked (sosoon_site.frames) before its handler
        runs, so no frame, however malformed, reaches a handler with a field of the wrong
        type; each failure answers an error frame and the socket stays open."""
        if text_data is None:
            await self.send_error("binary_frame", _("Send JSON text frames, not binary ones."))
            return
        try:
            frame = decode(text_data, max_bytes=settings.SOSOON_WS_MAX_FRAME_BYTES)
        except FrameError as error:
            await self.send_error(error.code, error.message)
            return
        await self.receive_json(frame)

    async def receive_json(self, content, **kwargs):
        registered = handler_for(content.get("type"))
        if registered is None:
            frame_type = content.get("type")
            named = repr(frame_type)[:60] if isinstance(frame_type, str) else "(none)"
            await self.send_error(
                "unknown_type", _("Unknown frame type %(type)s.") % {"type": named}, content
            )
            return
        handler, fields = registered
        try:
            frame = check_fields(content, fields)
        except FrameError as error:
            await self.send_error(error.code, error.message, content)
            return
        await handler(self, frame)

    async def send_error(self, code: str, message: str, frame: dict | None = None, **extra):
        reply = {"type": "error", "code": code, "message": message, **extra}
        if frame is not None and client_id(frame) is not None:
            reply["id"] = client_id(frame)
        await self.send_json(reply)

    async def subscribe(self, key: str, group: str, *, on_leave: LeaveHook | None = None) -> None:
        """Join `group` under `key`; `on_leave` runs when the subscription ends, however it
        ends. Caller has already checked access."""
        if on_leave is not None:
            self.leave_hooks[key] = on_leave
        if self.subscriptions.get(key) == group:
            return
        await self.channel_layer.group_add(group, self.channel_name)
        self.subscriptions[key] = group

    async def unsubscribe(self, key: str) -> bool:
        group = self.subscriptions.pop(key, None)
        if group is not None:
            await self.channel_layer.group_discard(group, self.channel_name)
        hook = self.leave_hooks.pop(key, None)
        if hook is not None:
            await hook()
        return group is not None

    async def push_frame(self, event):
        """A frame pushed to this person's group or to a subscribed group. A group's frame
        is delivered only while this socket still holds that subscription: frames already
        queued when a revoke dropped it go no further."""
        group = event.get("group")
        if group is not None and group not in self.subscriptions.values():
            return
        if event.get("sender") in self.hidden_senders:
            return
        if "text" not in event:
            await self.send_json(event["frame"])
        elif self.hidden_senders.intersection(event.get("quoting", ())):
            await self.send(text_data=event["variant"])
        else:
            await self.send(text_data=event["text"])

    async def push_hide(self, event):
        """A block was made or lifted: drop, or accept again, frames from these people."""
        if event["hidden"]:
            self.hidden_senders.update(event["senders"])
        else:
            self.hidden_senders.difference_update(event["senders"])

    async def push_revoke(self, event):
        """Drop the named subscriptions at once and tell the client which ones and why."""
        dropped = [key for key in event["keys"] if await self.unsubscribe(key)]
        if dropped:
            with translation.override(self.language):
                reason = readable(event["reason"])
            await self.send_json({"type": "revoked", "keys": dropped, "reason": reason})

    async def push_sign_out(self, event):
        """The account or this session may no longer be used: say why, then close as if
        signed out."""
        with translation.override(self.language):
            reason = readable(event["reason"])
        await self.send_json({"type": "signed_out", "reason": reason})
        await self.close(code=CLOSE_UNAUTHENTICATED)


def _blocked_ids(user) -> set[int]:
    return set(blocked_user_ids(user).values_list("other", flat=True))


@frame_handler("ping")
async def pong(consumer: SocketConsumer, frame: dict) -> None:
    await consumer.send_json({"type": "pong", "id": frame.get("id")})
