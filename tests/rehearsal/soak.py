"""The bounded soak: a fixed number of actions through nginx over HTTPS, then the checks.

Phases: everyone signs in through the login form; a warm-up walk (then each daphne's memory is
read); sockets open across the chat rooms; then, side by side, the walks, uploads, owners'
pages, the superuser in /admin/, the cross-post, and the chat traffic with some sockets
dropping and catching up; then images are fetched by their audience and by everyone else, and
the figures are checked.
"""

import asyncio
import io
import itertools
import random
import re
import ssl
import time
from dataclasses import dataclass, field

from PIL import Image

from tests.production_server import SessionCounter
from tests.rehearsal import sandbox as sandbox_step
from tests.rehearsal.people import Person, Tally
from tests.rehearsal.seed import PASSWORD, Cast
from tests.rehearsal.sockets import ChatSocket, HandshakeRefused
from tests.rehearsal.topology import Install, health, rss_bytes

DEMO_PASSWORD = "sosoon-demo"
OWNERS = {
    "natural-wine-club": "ana@demo.sosoon.test",
    "vintage-synth-makers": "dev@demo.sosoon.test",
}
SUPERUSER = "admin@demo.sosoon.test"
OWNER_PAGES = [
    "/c/{slug}/", "/c/{slug}/settings/", "/c/{slug}/members/", "/c/{slug}/tiers/",
    "/c/{slug}/invitations/", "/c/{slug}/requests/", "/c/{slug}/moderation/",
    "/c/{slug}/moderation/settings/", "/c/{slug}/rooms/", "/c/{slug}/crossposts/",
    "/c/{slug}/crossposts/accounts/",
]  # fmt: skip
# How many people act at once, and how many sockets open at once: tabs open over time, not in
# one burst (daphne drops a handshake its application has not accepted within 5 s, and nginx
# then takes that daphne out of the upstream for 10 s).
CONCURRENT_PEOPLE = 8
CONCURRENT_OPENS = 4
# The chat rate limit is 10 messages in 10 s per person; senders stay well inside it.
SEND_INTERVAL_SECONDS = 1.5
DELIVERY_WAIT_SECONDS = 60
# A refused socket handshake is tried again, as the page's client does, after these pauses.
HANDSHAKE_RETRY_SECONDS = (2, 5, 10)
RSS_GROWTH_LIMIT = 0.20
CHANGELIST = re.compile(r'href="(/admin/\w+/\w+/)"')


@dataclass(frozen=True)
class Plan:
    """The fixed amount of work."""

    sockets: int = 200
    rounds: int = 2
    senders_per_room: int = 3
    messages_per_sender: int = 10
    reconnect_share: float = 0.1
    uploads: int = 4
    seed: int = 12


@dataclass
class Figures:
    """What the checks compare, and the summary prints."""

    requests: int = 0
    server_errors: int = 0
    unexpected: list[str] = field(default_factory=list)
    sockets: int = 0
    acknowledged: int = 0
    deliveries_expected: int = 0
    delivered_by_push: int = 0
    delivered_by_sync: int = 0
    missing: int = 0
    reconnects: int = 0
    socket_errors: list[dict] = field(default_factory=list)
    images: int = 0
    image_views_allowed: int = 0
    image_views_refused: int = 0
    image_failures: list[str] = field(default_factory=list)
    connections_max: int = 0
    connections_bound: int = 0
    rss_warm: list[int] = field(default_factory=list)
    rss_after: list[int] = field(default_factory=list)
    heartbeat_state: str = ""
    heartbeat_age: float | None = None
    crosspost_seconds: float | None = None
    seconds: float = 0.0

    def failures(self) -> list[str]:
        """Each check that did not hold, in words."""
        failed = []
        if self.server_errors:
            failed.append(f"{self.server_errors} answers were 5xx")
        if self.unexpected:
            failed.append(f"{len(self.unexpected)} unexpected answers: {self.unexpected[:10]}")
        if self.missing:
            failed.append(f"{self.missing} chat deliveries neither pushed nor synced")
        if self.socket_errors:
            failed.append(f"{len(self.socket_errors)} error frames: {self.socket_errors[:5]}")
        if self.image_failures:
            failed.append(f"images: {self.image_failures[:10]}")
        if self.connections_max > self.connections_bound:
            failed.append(
                f"PostgreSQL sessions reached {self.connections_max} > {self.connections_bound}"
            )
        for number, (warm, after) in enumerate(zip(self.rss_warm, self.rss_after, strict=True)):
            if after > warm * (1 + RSS_GROWTH_LIMIT):
                failed.append(f"daphne {number} grew from {mb(warm)} to {mb(after)} MB")
        if self.heartbeat_state != "ok":
            failed.append(f"the qcluster heartbeat is {self.heartbeat_state}")
        if self.crosspost_seconds is None:
            failed.append("the cross-post was not published")
        return failed

    def summary(self, install: Install) -> str:
        growth = ", ".join(
            f"{mb(warm)}->{mb(after)} MB ({(after - warm) / warm:+.0%})"
            for warm, after in zip(self.rss_warm, self.rss_after, strict=True)
        )
        delivered = self.delivered_by_push + self.delivered_by_sync
        return (
            f"rehearsal: {'ok' if not self.failures() else 'FAILED'}"
            f" | {install.sizing.daphnes} daphne + {install.sizing.clusters} qcluster"
            f" as {install.service_user} behind nginx"
            f" | {self.requests} requests, {self.server_errors} 5xx,"
            f" {len(self.unexpected)} unexpected"
            f" | {self.sockets} sockets, {self.acknowledged} messages acked,"
            f" {delivered}/{self.deliveries_expected} deliveries"
            f" ({self.delivered_by_push} pushed, {self.delivered_by_sync} synced after"
            f" {self.reconnects} reconnects, {self.missing} missing)"
            f" | {self.images} images: {self.image_views_allowed} views by their audience,"
            f" {self.image_views_refused} 404 to others"
            f" | PostgreSQL sessions max {self.connections_max} <= {self.connections_bound}"
            f" | daphne RSS {growth}"
            f" | heartbeat {self.heartbeat_state} ({self.heartbeat_age:.0f} s old)"
            f" | cross-post on the sandbox in {self.crosspost_seconds or 0:.0f} s"
            f" | {self.seconds:.0f} s"
        )


def mb(size: int) -> int:
    return round(size / 2**20)


def png(colour: tuple[int, int, int]) -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(data, "PNG")
    return data.getvalue()


class Soak:
    def __init__(self, install: Install, cast: Cast, sandbox, plan: Plan, log=print):
        self.install, self.cast, self.sandbox, self.plan, self.log = (
            install,
            cast,
            sandbox,
            plan,
            log,
        )
        self.tls = ssl.create_default_context(cafile=str(install.certificate))
        self.tally = Tally()
        self.figures = Figures(connections_bound=install.sizing.connection_bound())
        self.random = random.Random(plan.seed)
        self._addresses = (f"127.0.{n // 250}.{n % 250 + 2}" for n in itertools.count(1))
        self.people: dict[str, Person] = {}
        self.sockets: list[ChatSocket] = []
        self.uploads: list[tuple[str, str, bytes]] = []  # (community slug, path, bytes)

    def person(self) -> Person:
        return Person(
            https_port=self.install.https_port,
            tls=self.tls,
            address=next(self._addresses),
            tally=self.tally,
        )

    async def run(self) -> Figures:
        started = time.monotonic()
        counter = SessionCounter(
            self.install.database_url, bound=self.figures.connections_bound, interval=0.25
        )
        try:
            with counter:
                await self._soak()
        finally:
            counter.close()
            await asyncio.gather(*(socket.close() for socket in self.sockets))
            await asyncio.gather(*(person.close() for person in self.people.values()))
        self.figures.connections_max = max(counter.samples, default=0)
        self.figures.requests = self.tally.requests
        self.figures.server_errors = self.tally.count(500, 600)
        self.figures.unexpected = self.tally.unexpected
        self.figures.seconds = time.monotonic() - started
        return self.figures

    async def _soak(self) -> None:
        emails = [person["email"] for person in self.cast.people]
        await self._bounded(
            [self._sign_in(email, PASSWORD) for email in emails]
            + [self._sign_in(email, DEMO_PASSWORD) for email in [*OWNERS.values(), SUPERUSER]],
            CONCURRENT_PEOPLE,
        )
        self.log(f"rehearsal: {len(self.people)} people signed in")
        await self._bounded([self._walk(email) for email in emails], CONCURRENT_PEOPLE)
        self.figures.rss_warm = [rss_bytes(daphne.pid) for daphne in self.install.daphnes]
        self.log("rehearsal: warmed up; opening sockets")
        await self._open_sockets()
        self.log(f"rehearsal: {len(self.sockets)} sockets subscribed; soaking")
        crosspost = asyncio.create_task(
            sandbox_step.cross_post(
                self.people[OWNERS["vintage-synth-makers"]], self.sandbox, self.cast.teaser
            )
        )
        acknowledged = await asyncio.gather(
            self._chat(),
            self._bounded(
                [self._walk(email) for _ in range(self.plan.rounds - 1) for email in emails]
                + [self._upload(n) for n in range(self.plan.uploads)]
                + [self._owner(slug, email) for slug, email in OWNERS.items()]
                + [self._admin()],
                CONCURRENT_PEOPLE,
            ),
        )
        await self._count_deliveries(acknowledged[0])
        await self._check_images()
        self.figures.rss_after = [rss_bytes(daphne.pid) for daphne in self.install.daphnes]
        self.figures.crosspost_seconds = await crosspost
        await self._heartbeat()

    async def _bounded(self, jobs, limit: int) -> list:
        gate = asyncio.Semaphore(limit)

        async def one(job):
            async with gate:
                return await job

        return await asyncio.gather(*(one(job) for job in jobs))

    async def _sign_in(self, email: str, password: str) -> None:
        person = self.person()
        await person.sign_in(email, password)
        self.people[email] = person

    async def _walk(self, email: str) -> None:
        """One round of what a member does: both home orders, their communities' feeds and
        search, posts, a comment and a reaction, notifications, a profile."""
        person = self.people[email]
        slugs = [slug for slug in self.cast.posts if person_in(self.cast, email, slug)]
        home = await person.get("/")
        await person.get("/?order=top")
        post_ids = home.post_ids()
        for slug in slugs:
            feed = await person.get(f"/c/{slug}/posts/")
            post_ids += feed.post_ids()
            await person.get(f"/c/{slug}/posts/?order=top")
            await person.get(f"/c/{slug}/posts/?q=the")
        for post_id in sorted(set(post_ids))[:3]:
            page = await person.get(f"/p/{post_id}/")
            await person.get(f"/p/{post_id}/reactions/")
            comment = page.form(f"/p/{post_id}/comments/")
            await person.post(
                f"/p/{post_id}/comments/",
                comment.values(body=f"Noted, from {email.split('@')[0]}"),
                referer=f"/p/{post_id}/",
            )
            emoji = self.random.choice(["heart", "clap", "wow", "thumbs_up"])
            reaction = page.form(f"/p/{post_id}/react/")
            await person.post(
                f"/p/{post_id}/react/", reaction.values(emoji=emoji), referer=f"/p/{post_id}/"
            )
        await person.get("/notifications/")
        await person.get("/notifications/badge/")
        await person.get(f"/people/{email.split('@')[0]}/")
        await person.get("/c/")

    async def _upload(self, number: int) -> None:
        """A member posts an image to the community only; it is kept to check its audience."""
        slug = "natural-wine-club"
        author = self.cast.in_community(slug)[number % len(self.cast.in_community(slug))]
        person = self.people[author["email"]]
        composer = await person.get(f"/c/{slug}/posts/new/")
        form = composer.form(f"/c/{slug}/posts/new/")
        colour = (40 * number % 256, 90, 200)
        answer = await person.post(
            f"/c/{slug}/posts/new/",
            form.values(body=f"Cellar photo {number}", audience="community"),
            files={"images": (f"cellar-{number}.png", png(colour), "image/png")},
        )
        location = answer.response.headers.get("location", "")
        page = await person.get(location)
        paths = page.image_paths()
        if not paths:
            self.figures.image_failures.append(f"no image on {location}")
            return
        image = await person.get(paths[0])
        self.uploads.append((slug, paths[0], image.response.content))

    async def _owner(self, slug: str, email: str) -> None:
        owner = self.people[email]
        for path in OWNER_PAGES:
            await owner.get(path.format(slug=slug))

    async def _admin(self) -> None:
        admin = self.people[SUPERUSER]
        index = await admin.get("/admin/")
        changelists = sorted(set(CHANGELIST.findall(index.text)))
        for path in changelists:
            await admin.get(path)
        post_id = self.cast.posts["natural-wine-club"][0]
        await admin.get(f"/admin/feeds/post/{post_id}/change/")

    async def _open_sockets(self) -> None:
        """`plan.sockets` sockets, spread over the rooms, each as a member of its room's
        community (several tabs per person)."""
        rooms = self.cast.rooms
        plans = []
        for number in range(self.plan.sockets):
            room = rooms[number % len(rooms)]
            members = self.cast.in_community(room["community"])
            email = members[(number // len(rooms)) % len(members)]["email"]
            plans.append((room["id"], email))

        async def open_one(room: int, email: str) -> None:
            person = self.people[email]
            socket = ChatSocket(
                https_port=self.install.https_port,
                tls=self.tls,
                address=person.address,
                cookie=person.session_cookie,
                email=email,
            )
            if await self._connect(socket, room):
                self.sockets.append(socket)

        await self._bounded([open_one(room, email) for room, email in plans], CONCURRENT_OPENS)
        self.figures.sockets = len(self.sockets)

    async def _connect(self, socket: ChatSocket, room: int) -> bool:
        """Open `socket` on `room`, trying again after a refused handshake; every refusal is
        an answer the soak did not expect (nginx's 502 when daphne dropped the handshake)."""
        for pause in (*HANDSHAKE_RETRY_SECONDS, None):
            try:
                await socket.open(room)
                return True
            except HandshakeRefused as refused:
                self.tally.record("GET", "/ws/", refused.status, (101,))
                if pause is None:
                    return False
                await asyncio.sleep(pause)
        return False

    async def _chat(self) -> dict[int, set[int]]:
        """Senders in every room send their messages at a person's pace while some other
        sockets drop and come back; the acknowledged ids, by room."""
        by_room: dict[int, list[ChatSocket]] = {}
        for socket in self.sockets:
            by_room.setdefault(socket.room, []).append(socket)
        senders, used = [], set()
        for sockets in by_room.values():
            chosen = []
            for socket in sockets:
                if socket.email not in used and len(chosen) < self.plan.senders_per_room:
                    chosen.append(socket)
                    used.add(socket.email)
            senders += chosen
        sender_set = set(map(id, senders))
        others = [socket for socket in self.sockets if id(socket) not in sender_set]
        droppers = self.random.sample(others, int(len(self.sockets) * self.plan.reconnect_share))
        acknowledged: dict[int, set[int]] = {room: set() for room in by_room}

        async def send_all(socket: ChatSocket) -> None:
            await asyncio.sleep(self.random.uniform(0, SEND_INTERVAL_SECONDS))
            for number in range(self.plan.messages_per_sender):
                acknowledged[socket.room].add(await socket.send(f"Soak note {number}"))
                await asyncio.sleep(SEND_INTERVAL_SECONDS)

        sending_seconds = self.plan.messages_per_sender * SEND_INTERVAL_SECONDS

        async def drop_and_return(socket: ChatSocket) -> None:
            await asyncio.sleep(self.random.uniform(0.1, 0.6) * sending_seconds)
            await socket.drop()
            await asyncio.sleep(self.random.uniform(1, 4))
            await self._connect(socket, socket.room)

        await asyncio.gather(
            *(send_all(socket) for socket in senders),
            *(drop_and_return(socket) for socket in droppers),
        )
        self.figures.acknowledged = sum(map(len, acknowledged.values()))
        return acknowledged

    async def _count_deliveries(self, acknowledged: dict[int, set[int]]) -> None:
        """Every acknowledged message must reach every socket of its room, by push or by the
        catch-up after a reconnect; pushes in flight get a little time."""
        deadline = time.monotonic() + DELIVERY_WAIT_SECONDS
        while time.monotonic() < deadline:
            if all(acknowledged[socket.room] <= socket.seen for socket in self.sockets):
                break
            await asyncio.sleep(0.5)
        figures = self.figures
        for socket in self.sockets:
            expected = acknowledged[socket.room]
            figures.deliveries_expected += len(expected)
            figures.delivered_by_push += len(expected & socket.pushed)
            figures.delivered_by_sync += len((expected & socket.synced) - socket.pushed)
            figures.missing += len(expected - socket.seen)
            figures.reconnects += socket.reconnects
            figures.socket_errors += socket.errors

    async def _check_images(self) -> None:
        """Each uploaded image: the same bytes to every member of its community, 404 to
        everyone else (signed-in outsiders and a signed-out visitor)."""
        visitor = self.person()
        try:
            for slug, path, stored in self.uploads:
                for email, person in self.people.items():
                    if email == SUPERUSER:
                        continue
                    allowed = person_in(self.cast, email, slug)
                    answer = await person.get(path, expect=(200,) if allowed else (404,))
                    if allowed:
                        self.figures.image_views_allowed += 1
                        if answer.response.content != stored:
                            self.figures.image_failures.append(f"{path} differed for {email}")
                    else:
                        self.figures.image_views_refused += 1
                await visitor.get(path, expect=(404,))
                self.figures.image_views_refused += 1
        finally:
            await visitor.close()
        self.figures.images = len(self.uploads)
        if len(self.uploads) != self.plan.uploads:
            self.figures.image_failures.append(
                f"{len(self.uploads)} of {self.plan.uploads} uploads came back"
            )

    async def _heartbeat(self) -> None:
        """The cluster's heartbeat as /healthz reports it; a cluster younger than its first
        beat gets until that beat (about 90 s after start)."""
        deadline = time.monotonic() + 120
        while True:
            report = await asyncio.to_thread(health, self.install)
            state = report["qcluster"]["state"]
            if state == "ok" or time.monotonic() > deadline:
                break
            await asyncio.sleep(2)
        self.figures.heartbeat_state = state
        self.figures.heartbeat_age = report["qcluster"]["age_seconds"] or 0


def person_in(cast: Cast, email: str, slug: str) -> bool:
    """Whether `email` belongs to community `slug` (the seeded members and the demo owners)."""
    if email in OWNERS.values():
        return OWNERS[slug] == email
    return any(person["email"] == email for person in cast.in_community(slug))
