"""The documented production install, built on this machine from the files in deploy/ only.

Under a temporary root that stands for `/`: the environment file at etc/sosoon/production.env
(deploy/production.env.example with its blanks filled), media and post images at
var/lib/sosoon/media and var/lib/sosoon/private, the shipped nginx site with a self-signed
certificate made now, two daphne and two qcluster processes started with the units' own
ExecStart (read from deploy/systemd/, /srv/sosoon being this checkout), as an unprivileged
user, on a PostgreSQL database and a Redis database of the rehearsal's own. Everything started
is stopped by PID when the block ends, however it ends.
"""

import grp
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import redis
from cryptography.fernet import Fernet

from tests.deploy.environment_file import EXAMPLE_ENV, HOST, read_env_file
from tests.deploy.nginx_site import (
    SitePaths,
    certificate,
    minimal_nginx_conf,
    nginx_command,
    render_site,
)
from tests.e2e.databases import scratch_database
from tests.launcher import (
    BASE_DIR,
    Background,
    daphne_command,
    free_port,
    manage,
    qcluster_command,
    shell,
    start,
    stop,
    unit_service,
    wait_until_healthy,
)

# The service account the units name is `sosoon`; the rehearsal borrows the system's
# unprivileged `nobody` rather than adding an account to the machine.
SERVICE_USER, SERVICE_GROUP = "nobody", "nogroup"
# nginx's workers, as Debian's package runs them; post images are readable by this group only.
NGINX_USER = "www-data"
STARTUP_SECONDS = 60
# What systemd gives a service besides its EnvironmentFile= (systemd.exec(5), "Environment
# variables in spawned processes").
SYSTEMD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


@dataclass(frozen=True)
class Sizing:
    """Processes and pools: smaller than the example's, because PostgreSQL's 100 connections
    are shared with whatever else runs on this machine (docs/deploy.md, "Connection budget")."""

    daphnes: int = 2
    clusters: int = 2
    q_workers: int = 2
    crosspost_concurrency: int = 3
    pool_max: int = 4

    def connection_bound(self) -> int:
        """The documented budget: daphne x pool + clusters x (workers x (concurrency + 1) + 6)."""
        per_cluster = self.q_workers * (self.crosspost_concurrency + 1) + 6
        return self.daphnes * self.pool_max + self.clusters * per_cluster


@dataclass
class Install:
    """A running rehearsal install: where nginx answers and what runs behind it."""

    root: Path
    env: dict[str, str]
    database_url: str
    redis_url: str
    https_port: int
    http_port: int
    certificate: Path
    service_user: str
    user_note: str
    sizing: Sizing
    daphnes: list[Background] = field(default_factory=list)
    daphne_ports: list[int] = field(default_factory=list)
    clusters: list[Background] = field(default_factory=list)
    nginx: Background | None = None

    @property
    def origin(self) -> str:
        """What a browser's address bar shows: the site's name and nginx's HTTPS port."""
        return f"https://{HOST}:{self.https_port}"

    @property
    def media_root(self) -> Path:
        return Path(self.env["MEDIA_ROOT"])

    def shell(self, code: str, **overrides: str) -> str:
        """Django's shell in the services' environment (plus `overrides`), as the operator's
        `sosoon-manage shell` runs it."""
        return shell({**self.env, **overrides}, code, user=self.run_as)

    @property
    def run_as(self) -> str | None:
        return None if self.service_user == current_user() else self.service_user


def log_tails(install: "Install", *, lines: int = 30) -> str:
    """The end of every service's log and nginx's error log, for a failure's report."""
    logs = sorted((install.root / "log").glob("*.log"))
    logs += [install.certificate.parent / "error.log"]
    parts = []
    for path in logs:
        if path.exists():
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path.name}\n" + "\n".join(tail))
    return "\n".join(parts)


def current_user() -> str:
    return pwd.getpwuid(os.geteuid()).pw_name


def service_user() -> tuple[str, str]:
    """Who runs the services, and why, when it is not an unprivileged account."""
    if os.geteuid() != 0:
        return current_user(), f"not root, so the services run as {current_user()}"
    python = BASE_DIR / ".venv" / "bin" / "python"
    try:
        probe = subprocess.run(
            [str(python), "-c", "import daphne, django_q, sosoon_site"],
            cwd=BASE_DIR,
            user=SERVICE_USER,
            capture_output=True,
            text=True,
            timeout=60,
        )
        problem = probe.returncode and (probe.stderr.strip().splitlines() or ["no output"])[-1]
    except OSError as error:
        problem = f"{error.strerror}: {python.resolve()}"
    if problem:
        return "root", f"{SERVICE_USER} cannot run this checkout's Python ({problem}): ran as root"
    return SERVICE_USER, ""


def environment_file(path: Path, values: Mapping[str, str], additions: Mapping[str, str]) -> None:
    """The example with `values` in place of its own, then `additions`; KEY=value lines only,
    mode 640 (docs/deploy.md)."""
    lines = []
    for line in EXAMPLE_ENV.read_text().splitlines():
        name, separator, _ = line.partition("=")
        if separator and not line.startswith("#") and name in values:
            line = f"{name}={quoted(values[name])}"
        lines.append(line)
    lines += ["", "# Added by the rehearsal (tests/rehearsal/topology.py)."]
    lines += [f"{name}={quoted(value)}" for name, value in additions.items()]
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o640)


def quoted(value: str) -> str:
    return f'"{value}"' if re.search(r"[\s<>]", value) else value


def service_environment(env_file: Path, user: str) -> dict[str, str]:
    """What a unit's process sees: systemd's few variables and the EnvironmentFile=."""
    account = pwd.getpwnam(user)
    return {
        "PATH": SYSTEMD_PATH,
        "LANG": "C.UTF-8",
        "HOME": account.pw_dir,
        "USER": user,
        "LOGNAME": user,
        **read_env_file(env_file),
    }


def owned_directory(path: Path, *, user: str, group: str | None = None, mode: int = 0o755) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(mode)
    if os.geteuid() == 0:
        shutil.chown(path, user, group or grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name)
    return path


@contextmanager
def rehearsed_install(
    *,
    configured_database: str,
    redis_url: str,
    sizing: Sizing,
    providers: Mapping[str, str],
    log=print,
    keep: bool = False,
) -> Iterator[Install]:
    """The whole topology, up and answering through nginx, for the block."""
    user, note = service_user()
    root = Path(tempfile.mkdtemp(prefix="sosoon-rehearsal-"))
    root.chmod(0o755)
    with ExitStack() as stack:
        stack.callback(_remove, root, keep=keep, log=log)
        database_url = stack.enter_context(
            scratch_database(configured_database, suffix="rehearsal", directory=root)
        )
        flush = redis.Redis.from_url(redis_url)
        flush.flushdb()
        stack.callback(flush.flushdb)
        install = _configure(root, user, note, database_url, redis_url, sizing, providers)
        log(f"rehearsal: install under {root}, services as {user}, database {database_url}")
        _prepare(install, log)
        _start_services(install, stack)
        _start_nginx(install, stack)
        wait_until_healthy(
            f"https://127.0.0.1:{install.https_port}/healthz",
            install.nginx,
            headers={"Host": f"{HOST}:{install.https_port}"},
            timeout=STARTUP_SECONDS,
            verify=str(install.certificate),
        )
        yield install


def _configure(root, user, note, database_url, redis_url, sizing, providers) -> Install:
    example = read_env_file()
    lib = owned_directory(root / "var" / "lib" / "sosoon", user=user)
    media = owned_directory(root / example["MEDIA_ROOT"].lstrip("/"), user=user)
    # docs/deploy.md: `install -d -o sosoon -g www-data -m 750 /var/lib/sosoon/private`.
    private_group = NGINX_USER if os.geteuid() == 0 else None
    private = owned_directory(
        root / example["SOSOON_PRIVATE_MEDIA_ROOT"].lstrip("/"),
        user=user,
        group=private_group,
        mode=0o750,
    )
    static = owned_directory(lib / "static", user=user)
    etc = root / "etc" / "sosoon"
    etc.mkdir(parents=True)
    env_file = etc / "production.env"
    # The addresses of this machine's PostgreSQL, Redis and a closed mail port, the temporary
    # root's directories, and the smaller sizing; everything else is the example's.
    environment_file(
        env_file,
        {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "SOSOON_FIELD_KEYS": Fernet.generate_key().decode(),
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "MEDIA_ROOT": str(media),
            "SOSOON_PRIVATE_MEDIA_ROOT": str(private),
            "SOSOON_Q_WORKERS": str(sizing.q_workers),
            "SOSOON_CROSSPOST_CONCURRENCY": str(sizing.crosspost_concurrency),
            "SOSOON_DB_POOL_MAX_SIZE": str(sizing.pool_max),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(closed_port()),
            "LOG_LEVEL": "WARNING",
        },
        {"STATIC_ROOT": str(static), **providers},
    )
    if os.geteuid() == 0:
        shutil.chown(env_file, "root", grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name)
    nginx_dir = root / "etc" / "nginx"
    nginx_dir.mkdir(parents=True)
    cert, _ = certificate(nginx_dir, HOST)
    return Install(
        root=root,
        env=service_environment(env_file, user),
        database_url=database_url,
        redis_url=redis_url,
        https_port=free_port(),
        http_port=free_port(),
        certificate=cert,
        service_user=user,
        user_note=note,
        sizing=sizing,
    )


def closed_port() -> int:
    """A port nothing listens on, so no mail can leave the machine."""
    return free_port()


def _prepare(install: Install, log) -> None:
    """What docs/deploy.md has the operator run before starting the services."""
    started = time.monotonic()
    for command in (
        ["migrate", "--noinput", "--verbosity", "0"],
        ["collectstatic", "--noinput", "--verbosity", "0"],
        ["check", "--deploy", "--fail-level", "WARNING"],
    ):
        manage(install.env, *command, user=install.run_as)
    log(f"rehearsal: migrated, static collected, check --deploy clean in "
        f"{time.monotonic() - started:.0f} s")  # fmt: skip


def _start_services(install: Install, stack: ExitStack) -> None:
    logs = install.root / "log"
    logs.mkdir(exist_ok=True)
    user = install.run_as
    group = None if user is None else grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name
    for name in ("sosoon-daphne@.service", "sosoon-qcluster.service"):
        service = unit_service(name)
        assert service["WorkingDirectory"] == "/srv/sosoon", name
    for _ in range(install.sizing.daphnes):
        port = free_port()
        daphne = start(
            daphne_command(port),
            env=install.env,
            log=logs / f"sosoon-daphne@{port}.log",
            user=user,
            group=group,
        )
        stack.callback(stop, daphne.process, how=signal.SIGTERM)
        install.daphnes.append(daphne)
        install.daphne_ports.append(port)
    for number in range(install.sizing.clusters):
        cluster = start(
            qcluster_command(),
            env=install.env,
            log=logs / f"sosoon-qcluster-{number}.log",
            user=user,
            group=group,
            new_session=True,
        )
        stack.callback(_stop_cluster, cluster)
        install.clusters.append(cluster)
    for daphne, port in zip(install.daphnes, install.daphne_ports, strict=True):
        wait_until_healthy(
            f"http://127.0.0.1:{port}/healthz",
            daphne,
            headers={"Host": HOST, "X-Forwarded-Proto": "https"},
            timeout=STARTUP_SECONDS,
        )


def _stop_cluster(cluster: Background) -> None:
    """SIGTERM as systemd stops it, then whatever of its process group is left."""
    stop(cluster.process, how=signal.SIGTERM)
    with suppress(ProcessLookupError):
        os.killpg(cluster.pid, signal.SIGKILL)


def _start_nginx(install: Install, stack: ExitStack) -> None:
    directory = install.certificate.parent
    paths = SitePaths(
        http_port=install.http_port,
        https_port=install.https_port,
        certificate=install.certificate,
        key=directory / "privkey.pem",
        upstreams=[f"127.0.0.1:{port}" for port in install.daphne_ports],
        media_root=install.media_root,
        private_root=Path(install.env["SOSOON_PRIVATE_MEDIA_ROOT"]),
    )
    (directory / "sosoon.conf").write_text(render_site(paths))
    nginx_user = None
    if os.geteuid() == 0:
        nginx_user = f"{NGINX_USER} {NGINX_USER}"
    (directory / "nginx.conf").write_text(
        minimal_nginx_conf(directory, directory / "sosoon.conf", user=nginx_user)
    )
    if os.geteuid() == 0:
        for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            shutil.chown(directory / temp, NGINX_USER, NGINX_USER)
    check = subprocess.run(
        nginx_command(directory / "nginx.conf", directory, "-t"),
        capture_output=True,
        text=True,
        timeout=30,
    )
    if check.returncode:
        raise RuntimeError(f"nginx -t refused the shipped site:\n{check.stderr}")
    nginx = start(
        nginx_command(directory / "nginx.conf", directory, "-g", "daemon off;"),
        env={"PATH": SYSTEMD_PATH},
        log=install.root / "log" / "nginx.log",
    )
    stack.callback(stop, nginx.process, how=signal.SIGQUIT)
    install.nginx = nginx
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            socket.create_connection(("127.0.0.1", install.https_port), timeout=1).close()
            return
        except OSError as refused:
            if nginx.process.poll() is not None or time.monotonic() > deadline:
                errors = (directory / "error.log").read_text()
                raise RuntimeError(f"nginx did not listen:\n{errors}") from refused
            time.sleep(0.05)


def _remove(root: Path, *, keep: bool, log) -> None:
    if keep:
        log(f"rehearsal: kept {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)


def rss_bytes(pid: int) -> int:
    """A process's resident memory, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def health(install: Install) -> dict:
    """/healthz through nginx."""
    answer = httpx.get(
        f"https://127.0.0.1:{install.https_port}/healthz",
        headers={"Host": f"{HOST}:{install.https_port}"},
        verify=str(install.certificate),
        timeout=10,
    )
    return {"status_code": answer.status_code, **answer.json()}
