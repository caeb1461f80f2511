"""Real `manage.py qcluster` processes on a scratch database, for the concurrency test and the
benchmark: the production settings (not tests.settings, whose queue runs inline), DEBUG=1,
and the fakes' URLs in the environment, exactly as an operator would set them."""

import os
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.databases import scratch_database
from tests.launcher import clusters, development_env, manage
from tests.launcher import shell as python

__all__ = ["clusters", "kill_cluster", "manage", "python", "seed", "site_environment", "wait_for"]


@contextmanager
def site_environment(
    *, suffix: str, workdir: Path, providers: Mapping[str, str]
) -> Iterator[dict[str, str]]:
    """The environment of a site on a fresh, migrated scratch database."""
    with scratch_database(
        os.environ.get("DATABASE_URL", ""), suffix=suffix, directory=workdir
    ) as url:
        env = development_env(os.environ, database_url=url, workdir=workdir, **providers)
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        yield env


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
