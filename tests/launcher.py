"""Starting and stopping Sosoon's processes for tests, benchmarks and the rehearsal: one place
that knows how daphne and qcluster are launched, how to wait for them and how to stop them.

    port = free_port()
    with running(daphne_command(port), env=env, log=workdir / "daphne.log") as daphne:
        wait_until_healthy(f"http://127.0.0.1:{port}/healthz", daphne)

`unit_command` reads ExecStart from the shipped systemd units (deploy/systemd/), with the
unit's install directory (/srv/sosoon) mapped to this checkout, so whatever starts "the way
production does" starts exactly what the units start. Nothing here imports Django, so a
script outside pytest (`python -m tests.rehearsal`) can use it.
"""

import configparser
import contextlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

BASE_DIR = Path(__file__).resolve().parent.parent
UNITS = BASE_DIR / "deploy" / "systemd"
INSTALL_DIR = "/srv/sosoon"
DAPHNE_UNIT = "sosoon-daphne@.service"
QCLUSTER_UNIT = "sosoon-qcluster.service"
STARTUP_SECONDS = 30
STOP_GRACE_SECONDS = 15
COMMAND_TIMEOUT_SECONDS = 300


class StartupError(RuntimeError):
    """A process exited, or never answered, while it was being started."""


@dataclass(frozen=True)
class Background:
    """A long-running process, with its combined output in `log`."""

    process: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        """Everything the process has printed so far, for failure messages."""
        return self.log.read_text(errors="replace")


def free_port() -> int:
    """A TCP port that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def development_env(
    base: Mapping[str, str], *, database_url: str, workdir: Path, **variables: str
) -> dict[str, str]:
    """`base` with the development profile of the site on `database_url`, its uploads and post
    images under `workdir`, and `variables` on top. DJANGO_SETTINGS_MODULE is the site's own:
    pytest exports tests.settings, whose in-process job queue would change what a cluster
    does."""
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "sosoon_site.settings",
        "DEBUG": "1",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(workdir / "media"),
        "SOSOON_PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        **variables,
    }


def without_network_credentials(base: Mapping[str, str]) -> dict[str, str]:
    """`base` without any X, Pinterest or TikTok setting, so the providers fall back to the
    development profile's sandbox networks."""
    return {
        key: value
        for key, value in base.items()
        if not key.startswith(("SOSOON_X_", "SOSOON_PINTEREST_", "SOSOON_TIKTOK_"))
    }


def sandbox_variables(*, port: int, state_dir: Path) -> dict[str, str]:
    """The settings that serve the sandbox networks from `port` (and the two after it), their
    posts kept in `state_dir`."""
    return {
        "SOSOON_SANDBOX_NETWORKS": "1",
        "SOSOON_SANDBOX_PORT": str(port),
        "SOSOON_SANDBOX_STATE_DIR": str(state_dir),
    }


def run_manage(
    env: Mapping[str, str],
    *args: str,
    timeout: float = COMMAND_TIMEOUT_SECONDS,
    user: str | None = None,
) -> subprocess.CompletedProcess:
    """`manage.py <args>` in `env` (as `user`, when given); the finished process, whatever its
    exit status."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        user=user,
    )


def manage(
    env: Mapping[str, str],
    *args: str,
    timeout: float = COMMAND_TIMEOUT_SECONDS,
    user: str | None = None,
) -> str:
    """`manage.py <args>` in `env`; its stdout, or RuntimeError with its stderr."""
    result = run_manage(env, *args, timeout=timeout, user=user)
    if result.returncode:
        raise RuntimeError(
            f"manage.py {' '.join(args)} exited with {result.returncode}:\n{result.stderr}"
        )
    return result.stdout


def shell(
    env: Mapping[str, str],
    code: str,
    *,
    timeout: float = COMMAND_TIMEOUT_SECONDS,
    user: str | None = None,
) -> str:
    """Run `code` in Django's shell in `env` (no automatic imports); what it printed."""
    return manage(
        env,
        "shell", "--no-imports", "--verbosity", "0", "--command", code,
        timeout=timeout, user=user,
    ).strip()  # fmt: skip


def unit_service(name: str) -> configparser.SectionProxy:
    """The [Service] section of a shipped unit, read as systemd reads it."""
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    parser.read_string((UNITS / name).read_text())
    return parser["Service"]


def in_checkout(path: str) -> Path:
    """Where `path` under the units' install directory is in this checkout."""
    if not path.startswith(INSTALL_DIR + "/"):
        raise ValueError(f"{path} is outside {INSTALL_DIR}")
    return BASE_DIR / path.removeprefix(INSTALL_DIR + "/")


def unit_command(name: str, *, instance: str = "") -> list[str]:
    """The unit's ExecStart as an argv for this checkout: `%i` is `instance`, and programs
    under /srv/sosoon are this checkout's (its .venv)."""
    argv = shlex.split(unit_service(name)["ExecStart"])
    argv = [argument.replace("%i", instance) for argument in argv]
    return [str(in_checkout(argv[0])), *argv[1:]]


def daphne_command(port: int) -> list[str]:
    """What sosoon-daphne@<port>.service runs."""
    return unit_command(DAPHNE_UNIT, instance=str(port))


def dev_daphne_command(port: int) -> list[str]:
    """daphne as `make run` starts it: this interpreter's, no proxy headers."""
    return [
        sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
        "sosoon_site.asgi:application",
    ]  # fmt: skip


def qcluster_command() -> list[str]:
    """What sosoon-qcluster.service runs."""
    return unit_command(QCLUSTER_UNIT)


def start(
    argv: list[str],
    *,
    env: Mapping[str, str],
    log: Path,
    user: str | None = None,
    group: str | None = None,
    new_session: bool = False,
) -> Background:
    """Start `argv` in this checkout with `env`, stdout and stderr to `log`."""
    with log.open("w") as output:
        process = subprocess.Popen(
            argv,
            cwd=BASE_DIR,
            env=dict(env),
            stdout=output,
            stderr=subprocess.STDOUT,
            user=user,
            group=group,
            start_new_session=new_session,
        )
    return Background(process, log)


def stop(process: subprocess.Popen, *, how: int = signal.SIGINT) -> None:
    """Send `how` (SIGINT: Ctrl-C; SIGTERM: systemd's stop) and wait; kill after the grace
    period."""
    if process.poll() is None:
        process.send_signal(how)
    try:
        process.wait(timeout=STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running(
    argv: list[str], *, env: Mapping[str, str], log: Path, how: int = signal.SIGINT, **options
) -> Iterator[Background]:
    """`start` for the block; stopped with `how` on exit, however the block ends."""
    background = start(argv, env=env, log=log, **options)
    try:
        yield background
    finally:
        stop(background.process, how=how)


def wait_until_healthy(
    url: str,
    server: Background,
    *,
    headers: Mapping[str, str] | None = None,
    timeout: float = STARTUP_SECONDS,
    accept: Callable[[int], bool] = lambda status: status == 200,
    probe_timeout: float = 2,
    verify: bool | str = True,
) -> None:
    """Return once GET `url` answers a status `accept`s; StartupError with the server's
    output if it exits or the time runs out first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise StartupError(
                f"{server.log.stem} exited with {server.process.returncode}:\n{server.output()}"
            )
        try:
            answer = httpx.get(
                url, headers=dict(headers or {}), timeout=probe_timeout, verify=verify
            )
            if accept(answer.status_code):
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise StartupError(f"{url} did not answer in {timeout} s:\n{server.output()}")


@contextmanager
def clusters(
    env: Mapping[str, str], *, count: int, workdir: Path, name: str = "qcluster", **options
) -> Iterator[list[subprocess.Popen]]:
    """`count` qcluster processes (the unit's command) for the block; interrupted (then
    killed) on exit. Each leads a process group of its own, with its workers, so a test can
    kill a whole cluster at once."""
    started: list[Background] = []
    try:
        for number in range(count):
            started.append(
                start(
                    qcluster_command(),
                    env=env,
                    log=workdir / f"{name}-{number}.log",
                    new_session=True,
                    **options,
                )
            )
        yield [background.process for background in started]
    finally:
        for background in started:
            if background.process.poll() is None:
                background.process.send_signal(signal.SIGINT)
        for background in started:
            stop(background.process)
            # A leader killed after the grace period leaves its workers behind, still taking
            # tasks from the queue the next test uses: the group goes with it.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(background.process.pid, signal.SIGKILL)
