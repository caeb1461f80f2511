"""Bench-only ASGI application: Sosoon as deployed, plus a bare broadcast consumer at
/bench/floor/ that the chat benchmark uses as its floor.

The floor does what chat does minus everything that is ours: no session, no origin check, no
database, no access rule, no rendering. It joins one group on the same channel layer and
re-broadcasts every text frame it receives to that group, on the same daphne process.
"""

from channels.generic.websocket import AsyncWebsocketConsumer

from sosoon_site.asgi import application as sosoon

FLOOR_PATH = "/ws/bench-floor/"
FLOOR_GROUP = "bench.floor"


class BareBroadcast(AsyncWebsocketConsumer):
    async def connect(self):
        await self.channel_layer.group_add(FLOOR_GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(FLOOR_GROUP, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send(FLOOR_GROUP, {"type": "bench.frame", "text": text_data})

    async def bench_frame(self, event):
        await self.send(text_data=event["text"])


floor = BareBroadcast.as_asgi()


async def application(scope, receive, send):
    if scope["type"] == "websocket" and scope["path"] == FLOOR_PATH:
        return await floor(scope, receive, send)
    return await sosoon(scope, receive, send)
