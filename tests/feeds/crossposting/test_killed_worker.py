"""A q2 cluster killed (SIGKILL, workers and all) while a cross-post's request is in flight.

Real `manage.py qcluster` processes against a fake X over HTTP, with a short q2 timeout
(SOSOON_Q_TIMEOUT). X's first post request is received, acted on and never answered, so the
worker is mid-request when the cluster dies; the other rows are claimed and waiting for their
time, in the same batch or queued behind it. A fresh cluster must then, within the timeout
plus one minute of the kill: publish every row that was never sent exactly once, and hold the
row that was mid-request for review with a reason, never sending it again. Until then every
row in "publishing" says where it is.

On the Redis broker the killed cluster's tasks are gone (no receipts): the dispatcher finds
the rows by their silence. On the ORM broker q2 hands the tasks to the fresh cluster after
its retry (one and a half times the timeout); both paths must end the same way.
"""

import json
import time

import pytest

from feeds.crossposting.sandbox.x import TWEETS_PATH, SandboxX
from tests.feeds.crossposting.clusters import (
    SEED,
    clusters,
    kill_cluster,
    python,
    site_environment,
    wait_for,
)

Q_TIMEOUT = 20
ROWS = 6
# One worker, three rows a task: the first task holds the row that hangs and two rows waiting
# for their time; the second waits in the queue (Redis) or in the worker's hands (ORM, or
# prefetched from Redis) when the cluster dies.
CLUSTER = {"SOSOON_Q_TIMEOUT": str(Q_TIMEOUT), "SOSOON_Q_WORKERS": "1"}
BATCH = "3"
WAIT_FOR_THEIR_TIME = 12

ROWS_NOW = """
import json
from feeds.crossposting.models import CrossPost
print(json.dumps([
    {
        "text": row.text,
        "status": row.status,
        "reason": row.reason,
        "progress": row.progress,
        "published_at": row.published_at and row.published_at.timestamp(),
        "updated_at": row.updated_at.timestamp(),
    }
    for row in CrossPost.objects.select_related("account").order_by("pk")
]))
"""

# Run once the cluster is up, so the rows' times are counted from the dispatch: the first is
# due now, the others a little later (well inside the q2 timeout a batch may wait). The queue
# is emptied of the cluster's start-up schedules before any row is due: once one is, a
# scheduled dispatch may claim the rows and queue their tasks, and those must stay queued.
DISPATCH_NOW = """
from datetime import timedelta
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.tasks import async_task
from feeds.crossposting.models import CrossPost
get_broker().purge_queue()
now = timezone.now()
CrossPost.objects.update(scheduled_at=now + timedelta(seconds={later}))
CrossPost.objects.filter(text="Teaser 0").update(scheduled_at=now)
async_task("feeds.crossposting.tasks.dispatch_due_crossposts")
"""


def rows_now(env) -> list[dict]:
    return json.loads(python(env, ROWS_NOW))


def posts_sent(fake) -> list:
    """The POSTs that create posts: the clusters' metrics reads GET the same path."""
    return [request for request in fake.calls(TWEETS_PATH) if request.method == "POST"]


@pytest.mark.parametrize("broker", [pytest.param("redis", marks=pytest.mark.redis), "orm"])
def test_a_cluster_killed_mid_publish_loses_nothing_and_sends_nothing_twice(broker, tmp_path):
    fake = SandboxX().start()
    fake.fail(TWEETS_PATH, "hang")
    providers = {
        "SOSOON_X_API_BASE": fake.url,
        "SOSOON_X_CLIENT_ID": fake.client_id,
        "SOSOON_X_CLIENT_SECRET": fake.client_secret,
        "SOSOON_CROSSPOST_CONCURRENCY": BATCH,
        **CLUSTER,
    }
    try:
        with site_environment(
            suffix=f"xpost_killed_{broker}", workdir=tmp_path, providers=providers
        ) as env:
            if broker == "orm":
                env.pop("REDIS_URL", None)
            access, refresh = fake.issue_tokens()
            doomed_log = tmp_path / "killed-0.log"
            with clusters(env, count=1, workdir=tmp_path, name="killed") as (doomed,):
                assert wait_for(lambda: "running." in doomed_log.read_text(), timeout=30)
                python(
                    env,
                    SEED.format(access=access, refresh=refresh, count=ROWS, delay=3600)
                    + DISPATCH_NOW.format(later=WAIT_FOR_THEIR_TIME),
                )
                in_flight = wait_for(lambda: posts_sent(fake), timeout=30, every=0.2)
                kill_cluster(doomed)
            killed_at = time.time()
            assert in_flight, doomed_log.read_text()[-3000:]
            left = rows_now(env)
            rows = []

            def settled() -> bool:
                rows[:] = rows_now(env)
                return not any(row["status"] == "publishing" for row in rows)

            with clusters(env, count=1, workdir=tmp_path, name="fresh") as (fresh,):
                deadline = Q_TIMEOUT + 60 - (time.time() - killed_at)
                done = wait_for(settled, timeout=deadline)
                settled_after = time.time() - killed_at
                kill_cluster(fresh)  # nothing left for it to finish
    finally:
        fake.stop()

    logs = "\n".join(path.read_text()[-2000:] for path in sorted(tmp_path.glob("*.log")))
    # When the cluster died: the row in flight said so, the others that they wait for their time.
    progress = [(row["status"], row["progress"].split(" since ")[0]) for row in left]
    assert progress[0] == ("publishing", "Sending to X")
    assert all(
        status == "publishing" and note.startswith("Claimed, waiting for its time (")
        for status, note in progress[1:]
    ), progress
    assert done, f"not settled {settled_after:.0f} s after the kill: {rows}\n{logs}"

    hung, *never_sent = rows
    assert hung["status"] == "needs_review"
    assert hung["reason"] == (
        "The worker stopped while publishing to X @wineclub, so it may be live. "
        "Check the account before retrying."
    )
    assert [row["status"] for row in never_sent] == ["published"] * (ROWS - 1)
    sent = sorted(request.json()["text"] for request in posts_sent(fake))
    assert sent == [f"Teaser {n}" for n in range(ROWS)]  # each once, the hung one too
    found_after = max(row["updated_at"] for row in rows) - killed_at
    assert found_after <= Q_TIMEOUT + 60, found_after
