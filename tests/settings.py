"""Test settings: the development profile, plus a fast password hasher.

Only development defaults are filled in; anything set in the environment (DATABASE_URL,
REDIS_URL in CI's second pass) is kept.

Under pytest-xdist each worker gets a PostgreSQL database name and a Redis database of its
own, written back to the environment so that the daphne and qcluster processes the tests
start use them too: two workers clearing one cache, or sharing one job queue, would undo each
other's tests.
"""

import os
from urllib.parse import urlsplit

os.environ.setdefault("DEBUG", "1")
# Tests start sandboxes of their own, on ports of their own (tests/feeds/crossposting/conftest.py).
os.environ.setdefault("SOSOON_SANDBOX_NETWORKS", "0")


def _per_worker(worker: str) -> None:
    number = int(worker.removeprefix("gw") or 0)
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith("postgres"):
        parts = urlsplit(database_url)
        os.environ["DATABASE_URL"] = parts._replace(path=f"{parts.path}_{worker}").geturl()
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url:
        parts = urlsplit(redis_url)
        base = int(parts.path.strip("/") or 0)
        os.environ["REDIS_URL"] = parts._replace(path=f"/{base + number}").geturl()


# Once per worker: the processes a test starts inherit both the worker's name and the
# rewritten URLs, and may load these settings again.
if os.environ.get("PYTEST_XDIST_WORKER") and not os.environ.get("SOSOON_TEST_WORKER_URLS"):
    _per_worker(os.environ["PYTEST_XDIST_WORKER"])
    os.environ["SOSOON_TEST_WORKER_URLS"] = "1"

from sosoon_site.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Background jobs run in the calling process, so a test sees their effect at once.
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
# Top ranks afresh on every page, so a test sees the engagement it just made; the kept
# ranking of production (feeds/kept_rankings.py) has tests of its own that turn it on.
SOSOON_TOP_RANKING_SECONDS = 0
