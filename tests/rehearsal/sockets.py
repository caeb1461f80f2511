"""Chat sockets through nginx, as the page's client opens them (docs/realtime.md): signed in by
the session cookie, with the Origin of the site, subscribed to one room each, counting every
message they receive by push, and, when told to drop, reconnecting and asking what they missed
with `chat.subscribe`'s `after` (then `chat.sync` while `has_more`). The cursor held is the
one the last answer gave: pushes from two daphne processes may arrive out of order, so a
pushed message's `seq` says nothing of the ones before it."""

import asyncio
import itertools
import json
import ssl

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from tests.deploy.environment_file import HOST

REPLY_SECONDS = 30
_frame_ids = itertools.count(1)


class HandshakeRefused(Exception):
    """The socket's opening request was answered with an HTTP status instead of 101."""

    def __init__(self, status: int):
        super().__init__(f"the socket's handshake was answered {status}")
        self.status = status


class ChatSocket:
    """One tab's socket on one room."""

    def __init__(
        self, *, https_port: int, tls: ssl.SSLContext, address: str, cookie: str, email: str
    ):
        self.https_port, self.tls, self.address, self.cookie = https_port, tls, address, cookie
        self.email = email
        self.room = 0
        self.cursor = 0
        self.pushed: set[int] = set()
        self.synced: set[int] = set()
        self.reconnects = 0
        self.subscribed = False
        self.errors: list[dict] = []
        self._socket: ClientConnection | None = None
        self._reader: asyncio.Task | None = None
        self._waiting: dict[str, asyncio.Future] = {}

    @property
    def seen(self) -> set[int]:
        return self.pushed | self.synced

    async def open(self, room: int) -> None:
        """Connect and subscribe to `room`, from the cursor held when reconnecting."""
        self.room = room
        try:
            self._socket = await connect(
                f"wss://{HOST}:{self.https_port}/ws/",
                host="127.0.0.1",
                port=self.https_port,
                local_addr=(self.address, 0),
                ssl=self.tls,
                origin=f"https://{HOST}:{self.https_port}",
                additional_headers={"Cookie": self.cookie},
                open_timeout=REPLY_SECONDS,
            )
        except InvalidStatus as refused:
            raise HandshakeRefused(refused.response.status_code) from refused
        self._reader = asyncio.create_task(self._read())
        frame = {"type": "chat.subscribe", "room": room}
        # A cursor of 0 is a room without messages yet: catching up asks from it all the same.
        catching_up = self.subscribed
        if catching_up:
            frame["after"] = self.cursor
        answer = await self.ask(frame, "chat.subscribed")
        self.subscribed = True
        self._take(answer, synced=catching_up)
        while answer["has_more"]:
            answer = await self.ask(
                {"type": "chat.sync", "room": room, "after": answer["cursor"]}, "chat.synced"
            )
            self._take(answer, synced=True)

    def _take(self, answer: dict, *, synced: bool) -> None:
        if synced:
            self.synced.update(message["id"] for message in answer["messages"])
        self.cursor = max(self.cursor, answer["cursor"])

    async def ask(self, frame: dict, reply_type: str) -> dict:
        """Send `frame` with a fresh id; its reply (an error frame raises)."""
        frame_id = f"r{next(_frame_ids)}"
        waiting = asyncio.get_running_loop().create_future()
        self._waiting[frame_id] = waiting
        await self._socket.send(json.dumps({**frame, "id": frame_id}))
        try:
            reply = await asyncio.wait_for(waiting, REPLY_SECONDS)
        finally:
            self._waiting.pop(frame_id, None)
        if reply["type"] != reply_type:
            raise AssertionError(f"{frame['type']} was answered {reply}")
        return reply

    async def send(self, body: str) -> int:
        """A chat message; its id once acknowledged."""
        ack = await self.ask({"type": "chat.send", "room": self.room, "body": body}, "chat.ack")
        return ack["message_id"]

    async def _read(self) -> None:
        async for text in self._socket:
            frame = json.loads(text)
            waiting = self._waiting.get(frame.get("id"))
            if waiting is not None and not waiting.done():
                waiting.set_result(frame)
            elif frame["type"] == "chat.message":
                self.pushed.add(frame["message"]["id"])
            elif frame["type"] == "error":
                self.errors.append(frame)

    async def drop(self) -> None:
        """Close as a tab whose network went away does, keeping the cursor."""
        await self.close()
        self.reconnects += 1

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
            self._socket = None
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)
            self._reader = None
