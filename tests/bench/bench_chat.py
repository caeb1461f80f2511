"""Chat fan-out: K clients in one room through the shipped nginx over TLS to two production
daphne on the Redis channel layer (tests/bench/topology.py), against a floor measured in the
same run on the same servers and layer (tests/bench/chat_asgi.py: a bare broadcast consumer
with no database and no checks).

For each K in CLIENTS (`--clients=A,B`), K websocket clients (the `websockets` library)
connect through nginx, which spreads them over both daphne, and subscribe; SENDERS of them
then send MESSAGES_PER_SECOND messages a second between them for SEND_SECONDS, and every
client records when each message reaches it. Reported: deliveries per second (every client
receiving every message is K deliveries), p50/p99 latency from send to receipt, lost
deliveries, the daphne processes' RSS growth per connected client, and for K = 200 the
issue's target (deliveries/s at least 0.8x the floor's, p99 under 500 ms). The senders are
many people so the per-person rate limit (10 messages per 10 s) is never hit.

Needs REDIS_URL (the in-memory layer is not what production fans out through). Sessions are
made with Django's session store, signed with the servers' SECRET_KEY. The load generator
shares the machine, so figures are for comparison within one run, not absolute capacity.
"""

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import redis
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections
from django.test import override_settings
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from communities.models import ChatRoom, Membership, room_group
from communities.services.communities import do_create_community
from sosoon_site.accounts.models import User
from tests.bench.chat_asgi import FLOOR_GROUP, FLOOR_PATH
from tests.bench.topology import Served, rss_kib, served

CLIENTS = tuple(int(n) for n in os.environ.get("SOSOON_BENCH_CLIENTS", "50,200,500").split(","))
SENDERS = 40
MESSAGES_PER_SECOND = 20
SEND_SECONDS = 8
DRAIN_SECONDS = 20
CONNECT_BATCH = 50
CONNECT_ATTEMPTS = 3
TARGET_CLIENTS = 200
TARGET_RATIO = 0.8
TARGET_P99_MS = 500


def people(count: int) -> list[tuple[int, str]]:
    """`count` members of one community (its owner first): (user id, session cookie) each."""
    users = User.objects.bulk_create(
        User(
            email=f"bench{number}@bench.sosoon.test",
            handle=f"bench{number}",
            display_name=f"Bench Person {number}",
            password=make_password(None),
        )
        for number in range(count)
    )
    community = do_create_community(users[0], name="Bench Chat", slug="bench-chat")
    base = community.tiers.get(rank=0)
    Membership.objects.bulk_create(
        Membership(user=user, community=community, tier=base) for user in users[1:]
    )
    cookies = []
    for user in users:
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        cookies.append((user.pk, f"{settings.SESSION_COOKIE_NAME}={session.session_key}"))
    return cookies


def forget_groups(room_id: int) -> None:
    """Empty the two groups the rounds use. The scratch database gives the bench room the
    same id every run, and members a killed daphne never discarded would otherwise stay in
    the group (channels_redis keeps them up to group_expiry) and be sent every message."""
    prefix = settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(f"{prefix}:group:{room_group(room_id)}", f"{prefix}:group:{FLOOR_GROUP}")
    client.close()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Round:
    """One measured run: K clients on one path, the same send schedule for chat and floor."""

    def __init__(self, *, site: Served, path: str, cookies: list[tuple[int, str]], room_id: int):
        self.url = site.nginx_url.replace("https://", "wss://") + path
        self.origin = site.nginx_url
        self.tls = site.tls
        self.cookies = cookies
        self.room_id = room_id
        self.is_floor = path == FLOOR_PATH
        self.sent_at: dict[int, float] = {}
        self.latencies: list[float] = []
        self.acks: list[float] = []
        self.last_receipt = 0.0
        self.last_frame = 0.0
        self.errors = 0
        self.refused = 0
        self.sockets = []
        self.readers = []

    async def open(self) -> None:
        for start in range(0, len(self.cookies), CONNECT_BATCH):
            batch = self.cookies[start : start + CONNECT_BATCH]
            self.sockets += await asyncio.gather(*(self.connect(cookie) for _, cookie in batch))
        self.readers = [asyncio.create_task(self.read(websocket)) for websocket in self.sockets]

    async def connect(self, cookie: str):
        for attempt in range(CONNECT_ATTEMPTS):
            try:
                websocket = await connect(
                    self.url,
                    origin=self.origin,
                    ssl=self.tls,
                    additional_headers={"Cookie": cookie},
                    max_queue=None,
                    open_timeout=60,
                )
                break
            except InvalidStatus:
                # daphne answers 403 to a handshake its application has not accepted within
                # its connect timeout (5 s); the browser's client tries again after a pause.
                self.refused += 1
                if attempt == CONNECT_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(1 + attempt)
        if not self.is_floor:
            await websocket.send(json.dumps({"type": "chat.subscribe", "room": self.room_id}))
            while json.loads(await websocket.recv())["type"] != "chat.subscribed":
                pass
        return websocket

    def sequence_of(self, frame: dict) -> int | None:
        if self.is_floor:
            body = frame.get("body", "")
        elif frame["type"] == "chat.message":
            body = frame["message"]["body"]
        elif frame["type"] == "chat.ack":
            # How long the server took to store the message and answer: the send path alone.
            sequence = int(frame["message"]["body"][1:])
            self.acks.append(time.perf_counter() - self.sent_at[sequence])
            return None
        else:
            if frame["type"] == "error":
                self.errors += 1
            return None
        return int(body[1:]) if body.startswith("b") else None

    async def read(self, websocket) -> None:
        async for raw in websocket:
            received = self.last_frame = time.perf_counter()
            sequence = self.sequence_of(json.loads(raw))
            if sequence is not None and sequence in self.sent_at:
                self.latencies.append(received - self.sent_at[sequence])
                self.last_receipt = received

    async def settle(self, *, quiet_seconds: float = 1.0, most_seconds: float = 120) -> float:
        """Wait until no frame has arrived for `quiet_seconds` (the joins' presence frames
        are through), so the timed sends do not queue behind them; return the wait."""
        started = time.perf_counter()
        while time.perf_counter() - started < most_seconds:
            await asyncio.sleep(0.2)
            if time.perf_counter() - max(self.last_frame, started) > quiet_seconds:
                break
        return time.perf_counter() - started

    async def send_all(self) -> tuple[float, int]:
        total = MESSAGES_PER_SECOND * SEND_SECONDS
        senders = self.sockets[:SENDERS]
        started = time.perf_counter()
        for sequence in range(total):
            await asyncio.sleep(
                max(0.0, started + sequence / MESSAGES_PER_SECOND - time.perf_counter())
            )
            frame = {"type": "chat.send", "room": self.room_id, "body": f"b{sequence}"}
            self.sent_at[sequence] = time.perf_counter()
            await senders[sequence % len(senders)].send(json.dumps(frame))
        expected = total * len(self.sockets)
        deadline = time.perf_counter() + DRAIN_SECONDS
        while len(self.latencies) < expected and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)
        return started, expected

    async def close(self) -> None:
        for reader in self.readers:
            reader.cancel()
        await asyncio.gather(
            *(websocket.close() for websocket in self.sockets), return_exceptions=True
        )


def all_rss_kib(site: Served) -> int:
    return sum(rss_kib(pid) for pid in site.pids)


def all_cpu_seconds(site: Served) -> float:
    return sum(cpu_seconds(pid) for pid in site.pids)


async def measure(site: Served, path: str, cookies, room_id: int) -> dict:
    rss_before = all_rss_kib(site)
    round_ = Round(site=site, path=path, cookies=cookies, room_id=room_id)
    connect_started = time.perf_counter()
    await round_.open()
    connect_seconds = time.perf_counter() - connect_started
    settle_seconds = await round_.settle()
    rss_after = all_rss_kib(site)
    server_cpu, client_cpu, wall = all_cpu_seconds(site), time.process_time(), time.perf_counter()
    started, expected = await round_.send_all()
    wall = time.perf_counter() - wall
    server_cpu = (all_cpu_seconds(site) - server_cpu) / wall
    client_cpu = (time.process_time() - client_cpu) / wall
    await round_.close()
    await asyncio.sleep(2)  # let the server handle the disconnects before the next round
    delivered = len(round_.latencies)
    span = max(round_.last_receipt - started, 1e-9)
    latencies_ms = sorted(latency * 1000 for latency in round_.latencies) or [float("nan")]
    return {
        "deliveries_per_s": round(delivered / span, 1),
        "p50_ms": round(statistics.median(latencies_ms), 1),
        "p99_ms": round(latencies_ms[min(len(latencies_ms) - 1, int(len(latencies_ms) * 0.99))], 1),
        "ack_p50_ms": round(statistics.median(round_.acks) * 1000, 1) if round_.acks else None,
        "delivered": delivered,
        "lost": expected - delivered,
        "errors": round_.errors,
        "connect_s": round(connect_seconds, 2),
        "connect_refused": round_.refused,
        "settle_s": round(settle_seconds, 2),
        "rss_kib_per_client": round((rss_after - rss_before) / len(cookies), 1),
        # Share of one core used while sending and draining: daphne, and this load generator
        # (on the same machine, so near 1.0 means the client limits the figures too).
        "daphne_cpu": round(server_cpu, 2),
        "client_cpu": round(client_cpu, 2),
    }


def target(clients: int, chat: dict | None, ratio: float) -> dict:
    """The issue's chat target (200 clients in one room) and whether it is met (never, by a
    round that could not be run: `chat` None)."""
    if clients != TARGET_CLIENTS:
        return {"target": None, "met": None}
    return {
        "target": f"deliveries/s at least {TARGET_RATIO}x the bare consumer's, "
        f"p99 under {TARGET_P99_MS} ms",
        "met": chat is not None
        and ratio >= TARGET_RATIO
        and chat["p99_ms"] < TARGET_P99_MS
        and chat["lost"] == 0,
    }


def run() -> Iterator[dict]:
    """Each round's line as soon as it is measured."""
    if not settings.REDIS_URL:
        print(
            "bench_chat: skipped, needs REDIS_URL (e.g. REDIS_URL=redis://127.0.0.1:6379/5 "
            "make bench); the chat fan-out is measured on the Redis channel layer.",
            file=sys.stderr,
        )
        yield {"benchmark": "chat_fanout", "skipped": "needs REDIS_URL"}
        return
    with tempfile.TemporaryDirectory(prefix="sosoon-bench-chat-") as workdir:
        database_url = os.environ["DATABASE_URL"]
        with served(database_url, Path(workdir)) as site:
            with override_settings(SECRET_KEY=site.secret_key):
                cookies = people(max(CLIENTS))
            room_id = ChatRoom.objects.get(community__slug="bench-chat", name="general").pk
            forget_groups(room_id)
            connections.close_all()
            try:
                for clients in CLIENTS:
                    try:
                        floor = asyncio.run(measure(site, FLOOR_PATH, cookies[:clients], room_id))
                        chat = asyncio.run(measure(site, "/ws/", cookies[:clients], room_id))
                    except (InvalidStatus, OSError, TimeoutError) as failure:
                        # A round the servers could not take is a result too; larger ones
                        # would fail the same way.
                        yield {
                            "benchmark": "chat_fanout",
                            "clients": clients,
                            "failed": f"{type(failure).__name__}: {failure}",
                            **target(clients, None, 0.0),
                        }
                        break
                    ratio = round(chat["deliveries_per_s"] / floor["deliveries_per_s"], 2)
                    yield {
                        "benchmark": "chat_fanout",
                        "clients": clients,
                        "messages_per_s": MESSAGES_PER_SECOND,
                        "seconds": SEND_SECONDS,
                        "through": "nginx",
                        "daphnes": len(site.pids),
                        **{f"chat_{key}": value for key, value in chat.items()},
                        **{f"floor_{key}": value for key, value in floor.items()},
                        "ratio_deliveries": ratio,
                        "rss_kib": [rss_kib(pid) for pid in site.pids],
                        **target(clients, chat, ratio),
                    }
            finally:
                forget_groups(room_id)
