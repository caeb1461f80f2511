"""The served site the real-server benchmarks drive: DAPHNES daphne processes started the way
deploy/systemd/sosoon-daphne@.service starts them (its ExecStart, the production profile,
each with a pool of POOL_MAX connections), and the shipped nginx site in front of them over
HTTPS with a certificate made now. Every benchmark starts its servers here and nowhere else,
so the launch can be switched to the deployment rehearsal's in one place.

Two things differ from a deployment, both for measuring: the settings module is
tests/bench/production_settings.py (production's plus the bare view, tests/bench/floor_urls.py)
and the ASGI application tests/bench/chat_asgi.py (Sosoon's plus the bare broadcast consumer).
nginx's own nginx.conf is the harness's minimal one (tests/deploy/nginx_site.py) with room
for NGINX_CONNECTIONS connections: each online member holds two (browser and upstream) for
its socket alone, far above Debian's default of 768 per worker.
"""

import os
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from tests.deploy.nginx_site import (
    SitePaths,
    certificate,
    minimal_nginx_conf,
    nginx_command,
    render_site,
)
from tests.deploy.production import daphne_command
from tests.production_server import (
    ProductionSite,
    free_port,
    manage,
    production_env,
    stop,
    wait_until_healthy,
)

DAPHNES = 2
POOL_MAX = 8
NGINX_CONNECTIONS = 16_384
STARTUP_SECONDS = 30
APPLICATION = "tests.bench.chat_asgi:application"
SETTINGS_MODULE = "tests.bench.production_settings"


@dataclass(frozen=True)
class Served:
    """The running site: each daphne (its own address, its PID), nginx's HTTPS address, the
    TLS context that trusts nginx's certificate, and the SECRET_KEY sessions are signed with."""

    daphnes: list[tuple[ProductionSite, int]]
    nginx_url: str
    tls: ssl.SSLContext
    secret_key: str

    @property
    def pids(self) -> list[int]:
        return [pid for _, pid in self.daphnes]

    def direct_url(self, number: int = 0) -> str:
        return self.daphnes[number][0].base_url


def rss_kib(pid: int) -> int:
    """The process's resident memory now, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


@contextmanager
def daphne(env: dict[str, str], workdir: Path) -> Iterator[tuple[ProductionSite, int]]:
    """One daphne as the unit starts it, on a free port, until the block ends."""
    port = free_port()
    log = workdir / f"daphne-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [*daphne_command(port)[:-1], APPLICATION],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    site = ProductionSite(f"http://127.0.0.1:{port}", env["DATABASE_URL"], env, log)
    try:
        wait_until_healthy(site, process)
        yield site, process.pid
    finally:
        stop(process)


@contextmanager
def nginx(workdir: Path, upstreams: list[str]) -> Iterator[tuple[str, ssl.SSLContext]]:
    """The shipped nginx site in front of `upstreams`; its HTTPS base URL and trust."""
    directory = workdir / "nginx"
    directory.mkdir()
    cert, key = certificate(directory, "127.0.0.1")
    paths = SitePaths(
        free_port(), free_port(), cert, key, upstreams, workdir / "media", workdir / "private"
    )
    (directory / "sosoon.conf").write_text(render_site(paths))
    conf = minimal_nginx_conf(directory, directory / "sosoon.conf").replace(
        "worker_connections 512;", f"worker_connections {NGINX_CONNECTIONS};"
    )
    (directory / "nginx.conf").write_text(f"worker_rlimit_nofile {NGINX_CONNECTIONS * 2};\n{conf}")
    process = subprocess.Popen(
        nginx_command(directory / "nginx.conf", directory, "-g", "daemon off;"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError((directory / "error.log").read_text())
            try:
                socket.create_connection(("127.0.0.1", paths.https_port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("nginx did not listen in time") from None
                time.sleep(0.05)
        yield f"https://127.0.0.1:{paths.https_port}", ssl.create_default_context(cafile=cert)
    finally:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def served(
    database_url: str, workdir: Path, *, daphnes: int = DAPHNES, pool_max: int = POOL_MAX
) -> Iterator[Served]:
    """`daphnes` production daphne processes on `database_url` (migrated) behind nginx."""
    secret_key = secrets.token_urlsafe(50)
    env = production_env(
        os.environ,
        database_url=database_url,
        redis_url=settings.REDIS_URL,
        workdir=workdir,
        pool_max=pool_max,
    )
    env |= {"DJANGO_SETTINGS_MODULE": SETTINGS_MODULE, "SECRET_KEY": secret_key}
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    with ExitStack() as stack:
        running = [stack.enter_context(daphne(env, workdir)) for _ in range(daphnes)]
        upstreams = [site.base_url.removeprefix("http://") for site, _ in running]
        url, tls = stack.enter_context(nginx(workdir, upstreams))
        try:
            yield Served(running, url, tls, secret_key)
        except BaseException:
            for site, _ in running:
                print(f"{site.base_url}'s log ends:\n{site.output()[-3000:]}", file=sys.stderr)
            raise
