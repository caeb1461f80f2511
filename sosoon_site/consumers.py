"""The one WebSocket per browser tab, at /ws/.

Frames are JSON objects with a `type` and a client-chosen `id` that replies echo back. Bad
input never closes the socket: it gets an `error` frame with a code and the socket stays open.
Signed-out sockets are accepted and then closed with 4401, so browsers can tell "sign in
again" from a network failure. docs/realtime.md lists every frame type.
"""

import json

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

CLOSE_UNAUTHENTICATED = 4401


class SocketConsumer(AsyncJsonWebsocketConsumer):
    handlers = {"ping": "handle_ping"}

    async def connect(self):
        await self.accept()
        if not self.scope["user"].is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None:
            await self.send_error("binary_frame", "Send JSON text frames, not binary ones.")
            return
        if len(text_data.encode()) > settings.SOSOON_WS_MAX_FRAME_BYTES:
            await self.send_error(
                "frame_too_large",
                f"Frames are limited to {settings.SOSOON_WS_MAX_FRAME_BYTES} bytes.",
            )
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            await self.send_error("bad_json", "That frame is not valid JSON.")
            return
        if not isinstance(frame, dict):
            await self.send_error("bad_frame", "A frame is a JSON object with a 'type'.")
            return
        await self.receive_json(frame)

    async def receive_json(self, content, **kwargs):
        handler_name = self.handlers.get(content.get("type"))
        if handler_name is None:
            await self.send_error(
                "unknown_type", f"Unknown frame type {content.get('type')!r}.", content
            )
            return
        await getattr(self, handler_name)(content)

    async def handle_ping(self, frame: dict):
        await self.send_json({"type": "pong", "id": frame.get("id")})

    async def send_error(self, code: str, message: str, frame: dict | None = None):
        reply = {"type": "error", "code": code, "message": message}
        if frame is not None and "id" in frame:
            reply["id"] = frame["id"]
        await self.send_json(reply)
