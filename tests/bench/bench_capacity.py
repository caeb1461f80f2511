"""How many online members one machine carries: simulated members are added in steps until
the home page's p95 passes 300 ms or anything fails; the largest number held is reported,
with the memory each member and each socket costs.

Served by tests/bench/topology.py (two production daphne behind the shipped nginx over HTTPS,
PostgreSQL and Redis as configured) on the kept large dataset (tests/bench/bulk_data.py).

A member is what a signed-in browser tab does (static/js/socket.js, static/js/chat.js,
docs/realtime.md): one socket at /ws/ through nginx, subscribed to #general of one of the
member's communities as the chat panel subscribes, a `ping` every 25 s (the client's
keep-alive) and a `chat.presence` every 30 s (the panel's refresh); the home page loaded once
a minute; a chat message every three minutes. Every member starts at a random point of each
cycle, so the load is steady rather than in waves. `--speed=K` divides every interval by K,
so a run takes minutes instead of hours: at K > 1 each member does K members' requests and
K members' frames on one socket, and the number held is a lower bound on what K x as many
members would need (their sockets are the memory reported per socket). Static files are left
out: a browser caches them for a year after the first load.

Sessions are made with Django's session store for the servers' SECRET_KEY (bulk_data's
sessions_for; a million-iteration PBKDF2 per member would measure the hasher); page loads
share one HTTP/1.1 connection pool to nginx, as many browsers share nginx's upstream pool.

A step adds members (STEP_CONNECT_BATCH at a time), lets them settle, then watches a window
of one page interval: page p50/p95/p99 of the loads started in it, errors (any answer but
200, a failed request, an `error` frame, a socket closed, a message never acknowledged), the
acknowledgement time of chat sends, each daphne's RSS, and the load generator's own CPU
(near 1.0 means it limits the figures too).
"""

import asyncio
import json
import os
import random
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from django.conf import settings
from django.db import connection, connections
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from communities.chat.models import GENERAL_ROOM
from communities.models import ChatRoom, Community, Membership, MembershipStatus
from tests.bench.bulk_data import sessions_for
from tests.bench.load import percentile
from tests.bench.topology import rss_kib, served

SPEED = float(os.environ.get("SOSOON_BENCH_SPEED", "1"))
DEFAULT_STEPS = "50,100,250,500,750,1000,1500,2000,3000"
STEPS = [int(n) for n in os.environ.get("SOSOON_BENCH_STEPS", DEFAULT_STEPS).split(",")]
PAGE_EVERY = 60 / SPEED
PING_EVERY = 25 / SPEED
PRESENCE_EVERY = 30 / SPEED
CHAT_EVERY = 180 / SPEED
P95_LIMIT_MS = 300
TARGET_MEMBERS = 2_000
STEP_CONNECT_BATCH = 10
SETTLE_SECONDS = 5
ACK_TIMEOUT_SECONDS = 30
HTTP_CONNECTIONS = 64


@dataclass
class Tally:
    """What every member records, read per step window."""

    pages: list[tuple[float, float]] = field(default_factory=list)  # (started, ms)
    acks: list[tuple[float, float]] = field(default_factory=list)
    errors: dict[str, list[float]] = field(default_factory=dict)
    waiting: dict[str, float] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors.setdefault(kind, []).append(time.monotonic())

    def window(self, start: float, end: float, *, errors_since: float) -> dict:
        """Pages and acks started in [start, end); errors since `errors_since` (the step's
        first connection attempt)."""
        pages = [ms for at, ms in self.pages if start <= at < end]
        acks = [ms for at, ms in self.acks if start <= at < end]
        overdue = sum(1 for sent in self.waiting.values() if sent < end - ACK_TIMEOUT_SECONDS)
        errors = {
            kind: count
            for kind, times in self.errors.items()
            if (count := sum(1 for at in times if errors_since <= at < end))
        }
        if overdue:
            errors["unacknowledged"] = overdue
        figures = {"pages": len(pages), "errors": errors}
        if pages:
            figures |= {
                "page_p50_ms": round(percentile(pages, 0.5), 1),
                "page_p95_ms": round(percentile(pages, 0.95), 1),
                "page_p99_ms": round(percentile(pages, 0.99), 1),
            }
        if acks:
            figures["chat_ack_p95_ms"] = round(percentile(acks, 0.95), 1)
            figures["chat_sends"] = len(acks)
        return figures


class OnlineMember:
    """One simulated browser tab (see the module doc)."""

    def __init__(self, number: int, session: str, room: int, site, http, tally: Tally):
        self.number, self.session, self.room = number, session, room
        self.site, self.http, self.tally = site, http, tally
        self.rng = random.Random(number)
        self.socket = None
        self.tasks: list[asyncio.Task] = []
        self.sent = 0

    async def connect(self) -> None:
        self.socket = await connect(
            self.site.nginx_url.replace("https://", "wss://") + "/ws/",
            origin=self.site.nginx_url,
            ssl=self.site.tls,
            additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={self.session}"},
            max_queue=None,
            open_timeout=60,
            # The client's own keep-alive is the ping frame below, as socket.js sends it.
            ping_interval=None,
        )
        await self.socket.send(json.dumps({"type": "chat.subscribe", "id": "s", "room": self.room}))
        while json.loads(await self.socket.recv())["type"] != "chat.subscribed":
            pass
        self.tasks.append(asyncio.create_task(self.read()))

    def start(self) -> None:
        self.tasks.append(asyncio.create_task(self.live()))

    async def read(self) -> None:
        try:
            async for raw in self.socket:
                frame = json.loads(raw)
                if frame["type"] == "error":
                    self.tally.error(f"error_frame_{frame.get('code')}")
                elif frame["type"] == "chat.ack":
                    sent = self.tally.waiting.pop(f"{self.number}:{frame.get('id')}", None)
                    if sent is not None:
                        self.tally.acks.append((sent, (time.monotonic() - sent) * 1000))
        except ConnectionClosed:
            pass
        self.tally.error("socket_closed")

    async def load_page(self) -> None:
        started = time.monotonic()
        try:
            response = await self.http.get(
                "/", headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={self.session}"}
            )
        except httpx.HTTPError:
            self.tally.error("page_failed")
            return
        self.tally.pages.append((started, (time.monotonic() - started) * 1000))
        if response.status_code != 200:
            self.tally.error(f"page_{response.status_code}")

    async def live(self) -> None:
        intervals = {
            "ping": PING_EVERY,
            "presence": PRESENCE_EVERY,
            "page": PAGE_EVERY,
            "chat": CHAT_EVERY,
        }
        now = time.monotonic()
        due = {action: now + self.rng.uniform(0, every) for action, every in intervals.items()}
        while True:
            action = min(due, key=due.get)
            await asyncio.sleep(max(0.0, due[action] - time.monotonic()))
            due[action] += intervals[action]
            try:
                if action == "page":
                    self.tasks.append(asyncio.create_task(self.load_page()))
                elif action == "ping":
                    await self.socket.send(json.dumps({"type": "ping", "id": "p"}))
                elif action == "presence":
                    await self.socket.send(
                        json.dumps({"type": "chat.presence", "id": "r", "room": self.room})
                    )
                else:
                    self.sent += 1
                    frame_id = f"m{self.sent}"
                    self.tally.waiting[f"{self.number}:{frame_id}"] = time.monotonic()
                    body = f"Evening all, message {self.sent} from member {self.number}"
                    await self.socket.send(
                        json.dumps(
                            {"type": "chat.send", "id": frame_id, "room": self.room, "body": body}
                        )
                    )
            except ConnectionClosed:
                return
            self.tasks = [task for task in self.tasks if not task.done()]

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        if self.socket is not None:
            await self.socket.close()


def general_rooms() -> dict[int, int]:
    """Each bulk community's #general room id (bulk seeding makes communities without one)."""
    rooms = {}
    for community in Community.objects.filter(slug__startswith="bulk-"):
        room, _ = ChatRoom.objects.get_or_create(community=community, name=GENERAL_ROOM)
        rooms[community.pk] = room.pk
    return rooms


def room_of(user_ids: set[int], rooms: dict[int, int]) -> dict[int, int]:
    """Each user's first community's #general."""
    chosen = {}
    for user_id, community_id in (
        Membership.objects.filter(user_id__in=user_ids, status=MembershipStatus.ACTIVE)
        .order_by("user_id", "community_id")
        .values_list("user_id", "community_id")
    ):
        chosen.setdefault(user_id, rooms[community_id])
    return chosen


async def drive(site, sessions: list[tuple[int, str]], rooms: dict[int, int]) -> list[dict]:
    tally = Tally()
    http = httpx.AsyncClient(
        base_url=site.nginx_url,
        verify=site.tls,
        timeout=60,
        limits=httpx.Limits(max_connections=HTTP_CONNECTIONS),
    )
    members: list[OnlineMember] = []
    results = []
    baseline = sum(rss_kib(pid) for pid in site.pids)
    per_socket = None
    try:
        for target in STEPS:
            joining = [
                OnlineMember(number, session, rooms[user_id], site, http, tally)
                for number, (user_id, session) in enumerate(
                    sessions[len(members) : target], start=len(members)
                )
            ]
            connect_started = time.monotonic()
            for start in range(0, len(joining), STEP_CONNECT_BATCH):
                batch = joining[start : start + STEP_CONNECT_BATCH]
                outcomes = await asyncio.gather(
                    *(member.connect() for member in batch), return_exceptions=True
                )
                for outcome in outcomes:
                    if isinstance(outcome, BaseException):
                        tally.error(f"connect_{type(outcome).__name__}")
            connect_seconds = time.monotonic() - connect_started
            if not members:
                await asyncio.sleep(SETTLE_SECONDS)
                connected = sum(1 for member in joining if member.tasks)
                if connected:
                    grown = sum(rss_kib(pid) for pid in site.pids) - baseline
                    per_socket = grown / connected
            joining = [member for member in joining if member.tasks]  # connected, subscribed
            for member in joining:
                member.start()
            members += joining
            await asyncio.sleep(SETTLE_SECONDS)
            cpu, start = time.process_time(), time.monotonic()
            await asyncio.sleep(max(PAGE_EVERY, 15))
            end = time.monotonic()
            figures = tally.window(start, end, errors_since=connect_started)
            rss = [rss_kib(pid) for pid in site.pids]
            held = not figures["errors"] and figures.get("page_p95_ms", 0) <= P95_LIMIT_MS
            results.append(
                {
                    "benchmark": "capacity_step",
                    "members": target,
                    "online": len(members),
                    "speed": SPEED,
                    **figures,
                    "held": held,
                    "connect_s": round(connect_seconds, 1),
                    "rss_kib": rss,
                    "kib_per_member": round((sum(rss) - baseline) / max(1, len(members)), 1),
                    "load_generator_cpu": round((time.process_time() - cpu) / (end - start), 2),
                }
            )
            if not held:
                break
    finally:
        await asyncio.gather(*(member.close() for member in members), return_exceptions=True)
        await http.aclose()
    held_steps = [step for step in results if step["held"]]
    largest = held_steps[-1] if held_steps else None
    results.append(
        {
            "benchmark": "capacity",
            "speed": SPEED,
            "members_held": largest["members"] if largest else 0,
            "members_failed": results[-1]["members"] if not results[-1]["held"] else None,
            "kib_per_member": largest["kib_per_member"] if largest else None,
            "kib_per_socket": round(per_socket, 1) if per_socket is not None else None,
            "target": f"at least {TARGET_MEMBERS:,} members with page p95 under "
            f"{P95_LIMIT_MS} ms and no errors",
            "met": bool(largest) and largest["members"] >= TARGET_MEMBERS,
        }
    )
    return results


def run() -> list[dict]:
    started = time.perf_counter()
    rooms = general_rooms()
    vendor = connection.vendor
    with (
        tempfile.TemporaryDirectory(prefix="sosoon-bench-capacity-") as workdir,
        served(os.environ["DATABASE_URL"], Path(workdir)) as site,
    ):
        sessions = sessions_for(max(STEPS), secret_key=site.secret_key)
        chosen = room_of({user_id for user_id, _ in sessions}, rooms)
        connections.close_all()
        if vendor == "postgresql":
            connection.close_pool()
        results = asyncio.run(drive(site, sessions, chosen))
    return [
        {
            **result,
            "database": vendor,
            "through": "nginx",
            "daphnes": 2,
            "total_seconds": round(time.perf_counter() - started, 1),
        }
        for result in results
    ]
