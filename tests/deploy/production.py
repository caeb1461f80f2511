"""A production install on this machine: migrated, static files collected, served by daphne
started the way deploy/systemd/sosoon-daphne@.service starts it (same arguments)."""

import socket
import ssl
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from websockets.sync.client import ClientConnection, connect

from tests.deploy.environment_file import HOST
from tests.launcher import (
    BASE_DIR,
    Background,
    daphne_command,
    free_port,
    run_manage,
    stop,
    wait_until_healthy,
)

# The deployment tests' names for the launcher's: `manage` returns the finished process.
manage = run_manage


def manage_or_fail(env: Mapping[str, str], *args: str) -> str:
    """`manage.py <args>` in `env`; its stdout, or AssertionError with its stderr."""
    result = manage(env, *args)
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stderr}"
    return result.stdout


@dataclass(frozen=True)
class Daphne:
    """A running daphne: where it answers and what it has written to stderr."""

    process: subprocess.Popen
    port: int
    stderr_log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stderr(self) -> str:
        return self.stderr_log.read_text(errors="replace")


@contextmanager
def running_daphne(env: Mapping[str, str], workdir: Path, *, name: str) -> Iterator[Daphne]:
    """daphne on a free port for the block, once /healthz answers 200; interrupted on exit."""
    port = free_port()
    stderr_log = workdir / f"{name}.stderr"
    with stderr_log.open("w") as stderr, (workdir / f"{name}.stdout").open("w") as stdout:
        process = subprocess.Popen(
            daphne_command(port), cwd=BASE_DIR, env=env, stdout=stdout, stderr=stderr
        )
    server = Daphne(process, port, stderr_log)
    try:
        wait_until_healthy(
            f"{server.base_url}/healthz", Background(process, stderr_log), headers=proxied()
        )
        yield server
    finally:
        stop(process)


# daphne as the unit starts it gives Sosoon 30 s to accept a handshake
# (--websocket_connect_timeout); a client that gives up sooner fails on a busy CI machine
# where the server was only slow.
HANDSHAKE_SECONDS = 35


def browser_socket(port: int, *, tls: ssl.SSLContext | None = None) -> ClientConnection:
    """A websocket to /ws/ on 127.0.0.1:`port` sent as a browser on https://HOST:port sends it:
    Host and Origin both name the site's host and that port, as the origin check requires."""
    scheme = "wss" if tls else "ws"
    return connect(
        f"{scheme}://{HOST}:{port}/ws/",
        sock=socket.create_connection(("127.0.0.1", port), timeout=10),
        ssl=tls,
        server_hostname=HOST if tls else None,
        origin=f"https://{HOST}:{port}",
        open_timeout=HANDSHAKE_SECONDS,
    )


def proxied(**headers: str) -> dict[str, str]:
    """What nginx adds to every request it passes on (deploy/nginx/sosoon.conf)."""
    return {"Host": HOST, "X-Forwarded-Proto": "https", **headers}
