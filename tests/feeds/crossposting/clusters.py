"""Real `manage.py qcluster` processes on a scratch database, for the concurrency test and the
benchmark: the production settings (not tests.settings, whose queue runs inline), DEBUG=1,
and the fakes' URLs in the environment, exactly as an operator would set them."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from tests.e2e.databases import scratch_database

STOP_GRACE_SECONDS = 15


@contextmanager
def site_environment(
    *, suffix: str, workdir: Path, providers: Mapping[str, str]
) -> Iterator[dict[str, str]]:
    """The environment of a site on a fresh, migrated scratch database."""
    with scratch_database(
        os.environ.get("DATABASE_URL", ""), suffix=suffix, directory=workdir
    ) as url:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "sosoon_site.settings",
            "DEBUG": "1",
            "DATABASE_URL": url,
            "MEDIA_ROOT": str(workdir / "media"),
            "SOSOON_PRIVATE_MEDIA_ROOT": str(workdir / "private"),
            **providers,
        }
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        yield env


def manage(env: Mapping[str, str], *args: str, timeout: float = 300) -> str:
    """Run manage.py in `env`; its stdout, or RuntimeError with its stderr."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def python(env: Mapping[str, str], code: str) -> str:
    return manage(env, "shell", "--no-imports", "--verbosity", "0", "--command", code).strip()


@contextmanager
def clusters(
    env: Mapping[str, str], *, count: int, workdir: Path, name: str = "qcluster"
) -> Iterator[list]:
    """`count` qcluster processes for the block; interrupted (then killed) on exit. Each leads
    a process group of its own, with its workers, so `kill_cluster` can take all at once."""
    processes = []
    for number in range(count):
        log = (workdir / f"{name}-{number}.log").open("w")
        processes.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "qcluster"],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    try:
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def kill_cluster(process: subprocess.Popen) -> None:
    """SIGKILL a cluster and every process of its group, as a crash or `kill -9` would: no
    task it holds is finished or handed back."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def wait_for(check, *, timeout: float, every: float = 1.0) -> bool:
    """Call `check()` until it is true or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every)
    return check()


SEED = """
from datetime import timedelta
from django.utils import timezone
from feeds.crossposting.models import CrossPost, ExternalAccount
from feeds.services.posts import do_create_post
from tests.factories import UserFactory, create_community

owner = UserFactory(handle="benchowner")
community = create_community(owner=owner, allow_public_teasers=True)
post = do_create_post(owner, community, body="New vintage arriving Friday", audience="public")
account = ExternalAccount(community=community, platform="x", external_id="1", handle="wineclub")
account.access_token, account.refresh_token = {access!r}, {refresh!r}
account.save()
due = timezone.now() + timedelta(seconds={delay})
CrossPost.objects.bulk_create(
    CrossPost(post=post, account=account, created_by=owner, scheduled_at=due, text=f"Teaser {{n}}")
    for n in range({count})
)
print(due.isoformat())
"""


def seed(env, *, access: str, refresh: str, count: int, delay: float) -> str:
    """A public post with `count` X cross-posts due `delay` seconds from now; the due time."""
    return python(env, SEED.format(access=access, refresh=refresh, count=count, delay=delay))
