"""Sosoon as deployed, for tests and benchmarks that need the real thing: `python -m daphne` in
the production profile (DEBUG off, collected static files, secure cookies behind a proxy that
says HTTPS) on PostgreSQL and Redis, and members signed in through the real login form.

The database is a scratch one (tests/e2e/databases.py), migrated and seeded with the demo
data under DEBUG=1 (seed_demo creates accounts with a known password, so it is a development
command), then served with DEBUG=0. Requests carry `X-Forwarded-Proto: https` as nginx sends
it (SOSOON_BEHIND_PROXY=1), so SSL redirects, HSTS and secure cookies stay as in production;
clients keep their cookies by hand because a cookie jar will not send a secure cookie over
the loopback's plain HTTP.
"""

import re
import secrets
import signal
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg
from cryptography.fernet import Fernet

from tests import launcher
from tests.e2e.databases import scratch_database
from tests.launcher import (
    Background,
    dev_daphne_command,
    development_env,
    free_port,
    manage,
    running,
)

STARTUP_SECONDS = 60
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass(frozen=True)
class ProductionSite:
    """A running daphne: where it answers, its database and its environment."""

    base_url: str
    database_url: str
    env: Mapping[str, str]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def production_env(
    base: Mapping[str, str], *, database_url: str, redis_url: str, workdir: Path, pool_max: int
) -> dict[str, str]:
    """The production profile, with a pool of at most `pool_max` connections."""
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "sosoon_site.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SOSOON_FIELD_KEYS": Fernet.generate_key().decode(),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SOSOON_BEHIND_PROXY": "1",
        "SOSOON_DB_POOL_MAX_SIZE": str(pool_max),
        # The pool must hold a q2 worker's publishing threads plus one (docs/deploy.md).
        "SOSOON_CROSSPOST_CONCURRENCY": str(pool_max - 1),
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "SOSOON_PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "LOG_LEVEL": "WARNING",
    }


@contextmanager
def production_site(
    base: Mapping[str, str],
    *,
    configured_url: str,
    redis_url: str,
    workdir: Path,
    suffix: str,
    pool_max: int,
) -> Iterator[ProductionSite]:
    """A production daphne on a scratch database seeded with the demo data; the database is
    dropped on exit, after daphne has stopped."""
    with scratch_database(configured_url, suffix=suffix, directory=workdir) as database_url:
        development = development_env(
            base, database_url=database_url, workdir=workdir, REDIS_URL=redis_url
        )
        manage(development, "migrate", "--noinput", "--verbosity", "0")
        manage(development, "seed_demo")
        with serve(
            base,
            database_url=database_url,
            redis_url=redis_url,
            workdir=workdir,
            pool_max=pool_max,
        ) as site:
            yield site


@contextmanager
def serve(
    base: Mapping[str, str],
    *,
    database_url: str,
    redis_url: str,
    workdir: Path,
    pool_max: int,
    settings_module: str = "sosoon_site.settings",
) -> Iterator[ProductionSite]:
    """`python -m daphne` in the production profile on an already migrated database, until
    the block ends. `settings_module` lets a benchmark add a view of its own."""
    env = production_env(
        base, database_url=database_url, redis_url=redis_url, workdir=workdir, pool_max=pool_max
    )
    env["DJANGO_SETTINGS_MODULE"] = settings_module
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    port = free_port()
    with running(
        dev_daphne_command(port), env=env, log=workdir / f"daphne-{port}.log", how=signal.SIGTERM
    ) as server:
        site = ProductionSite(
            base_url=f"http://127.0.0.1:{port}",
            database_url=database_url,
            env=env,
            log=server.log,
        )
        wait_until_healthy(site, server.process)
        yield site


def wait_until_healthy(site: ProductionSite, process: subprocess.Popen) -> None:
    """Return once `site` answers /healthz with 200 (StartupError with its output if not)."""
    launcher.wait_until_healthy(
        f"{site.base_url}/healthz", Background(process, site.log), timeout=STARTUP_SECONDS
    )


def stop(process: subprocess.Popen) -> None:
    """Stop daphne as systemd would (SIGTERM), and wait; kill it after the grace period."""
    launcher.stop(process, how=signal.SIGTERM)


class SessionCounter:
    """Counts a database's sessions in pg_stat_activity, every `interval` seconds in a thread
    while in its block, from one connection to the maintenance database (so it never counts
    itself). `over` is set once a count exceeds `bound`."""

    def __init__(self, database_url: str, *, bound: int, interval: float = 0.05):
        self.connection = psycopg.connect(
            urlsplit(database_url)._replace(path="/postgres").geturl(), autocommit=True
        )
        self.name = urlsplit(database_url).path.lstrip("/")
        self.bound, self.interval = bound, interval
        self.samples: list[int] = []
        self.over = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def count(self) -> int:
        return self.connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [self.name]
        ).fetchone()[0]

    def _sample(self) -> None:
        while not self._done.is_set():
            self.samples.append(self.count())
            if self.samples[-1] > self.bound:
                self.over.set()
            time.sleep(self.interval)

    def __enter__(self) -> "SessionCounter":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()

    def close(self) -> None:
        self.connection.close()


@dataclass
class Member:
    """One signed-in browser: an async HTTP client and the cookies the site set for it."""

    client: httpx.AsyncClient
    cookies: dict[str, str] = field(default_factory=dict)

    def _headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        headers = {**PROXY_HEADERS, **(extra or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        return headers

    def _keep(self, response: httpx.Response) -> None:
        for header in response.headers.get_list("set-cookie"):
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value

    async def get(self, path: str) -> httpx.Response:
        response = await self.client.get(path, headers=self._headers())
        self._keep(response)
        return response

    async def post(self, path: str, data: Mapping[str, str]) -> httpx.Response:
        origin = {"Origin": str(self.client.base_url).replace("http://", "https://")}
        response = await self.client.post(path, data=data, headers=self._headers(origin))
        self._keep(response)
        return response


async def sign_in(
    site: ProductionSite, email: str, password: str, *, verify: ssl.SSLContext | bool = True
) -> Member:
    """A member signed in through GET and POST /accounts/login/, as a browser does it.
    `verify` is the trust for an HTTPS `site.base_url` (nginx's certificate)."""
    member = Member(httpx.AsyncClient(base_url=site.base_url, timeout=60, verify=verify))
    form = await member.get("/accounts/login/")
    token = CSRF_FIELD.search(form.text)
    if form.status_code != 200 or token is None:
        raise RuntimeError(f"the login page answered {form.status_code} without a CSRF token")
    answer = await member.post(
        "/accounts/login/",
        {"csrfmiddlewaretoken": token.group(1), "login": email, "password": password},
    )
    if answer.status_code != 302 or "sessionid" not in member.cookies:
        raise RuntimeError(f"signing in {email} answered {answer.status_code}, no session")
    return member
