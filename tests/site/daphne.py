"""A real daphne serving this test's PostgreSQL database, and the clients that talk to it.

Tests of production behaviour (Redis up, down, or killed mid-test) start daphne as a
subprocess, exactly as `make run` and the deployment do, with the Redis URL they choose:

    with serving(tmp_path, redis_url=redis.url) as site:
        response = httpx.get(site.url("/healthz"))

The database must be one another process can open, so these tests are marked `postgres`.
`private_redis` runs a Redis of the test's own, which a test may kill and start again.
"""

import asyncio
import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from websockets.asyncio.client import connect

from tests.launcher import (
    StartupError,
    dev_daphne_command,
    free_port,
    running,
    wait_until_healthy,
)
from tests.site.test_socket import session_cookie_for

STARTUP_SECONDS = 30


@dataclass(frozen=True)
class Site:
    """A running daphne: where it answers, and its combined output."""

    port: int
    process: subprocess.Popen
    log: Path

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def database_url() -> str:
    """The URL of the test database this process uses, for the daphne process."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def site_environment(*, redis_url: str, database: str | None = None) -> dict[str, str]:
    """The environment of a process of the site on `redis_url` and `database` (by default
    this test's database)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sosoon_site.settings",
        "DEBUG": "1",
        "DATABASE_URL": database or database_url(),
        "REDIS_URL": redis_url,
    }


@contextmanager
def serving(directory: Path, *, redis_url: str, database: str | None = None) -> Iterator[Site]:
    """daphne serving the site until the block ends; started once /healthz answers at all
    (any status: a test may start it with Redis or the database down on purpose)."""
    port, log = free_port(), directory / f"daphne-{time.monotonic_ns()}.log"
    env = site_environment(redis_url=redis_url, database=database)
    with running(dev_daphne_command(port), env=env, log=log) as server:
        site = Site(port, server.process, log)
        try:
            # Longer than the connection pool's wait (SOSOON_DB_POOL_TIMEOUT, 10 s), after which
            # a site started with its database down answers 503.
            wait_until_healthy(
                site.url("/healthz"), server, accept=lambda status: True, probe_timeout=15
            )
        except StartupError as error:
            pytest.fail(str(error))
        yield site


@dataclass
class PrivateRedis:
    """A redis-server on a free port, nothing saved to disk; `kill` and `start` at will."""

    port: int
    directory: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        pytest.fail(f"redis-server did not listen on {self.port}")

    def kill(self) -> None:
        """SIGKILL, as a crash or an OOM kill: the port is closed at once."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@contextmanager
def private_redis(directory: Path) -> Iterator[PrivateRedis]:
    """A running private Redis for the block; killed at the end if still running."""
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server (apt-get install redis-server)")
    redis = PrivateRedis(free_port(), directory)
    redis.start()
    try:
        yield redis
    finally:
        redis.kill()


@asynccontextmanager
async def socket_on(port: int, user):
    """A websocket client on /ws/ of the daphne on `port`, signed in as `user` by a session
    cookie."""
    cookie = await database_sync_to_async(session_cookie_for)(user)
    async with connect(
        f"ws://127.0.0.1:{port}/ws/",
        origin=f"http://127.0.0.1:{port}",
        additional_headers={"Cookie": cookie},
    ) as websocket:
        yield websocket


def socket_as(site: Site, user):
    """A websocket client on `site`'s /ws/, signed in as `user`."""
    return socket_on(site.port, user)


async def frame_of(websocket, frame_type: str, *, timeout: float = 5) -> dict:
    """The next frame of `frame_type`, skipping others; TimeoutError if none comes."""

    async def wait() -> dict:
        while True:
            frame = json.loads(await websocket.recv())
            if frame["type"] == frame_type:
                return frame

    return await asyncio.wait_for(wait(), timeout)


async def subscribe(websocket, room_id: int) -> None:
    """Subscribe the socket to a chat room and wait until the server says it did."""
    await websocket.send(json.dumps({"type": "chat.subscribe", "id": "s", "room": room_id}))
    await frame_of(websocket, "chat.subscribed")
