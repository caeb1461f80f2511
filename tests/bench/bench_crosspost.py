"""Cross-posts published by one q2 cluster with two workers (the shipped default), against a
fake X answering every request after 50-200 ms.

Two loads, one after the other on the same running cluster:
- a burst: 1,000 cross-posts due at the same moment;
- a normal day: 50 cross-posts due at random moments over two minutes.
The cluster runs the production settings in a subprocess (DEBUG=1 profile, this run's scratch
database, ORM broker unless REDIS_URL is set) and has been up for one scheduler wake before the
burst falls due, as a deployed cluster always has. Reported for each load: how many were
published, duplicates (must be 0), requests that arrived before their post's time (must be
0), the lag from the scheduled time to the publish request reaching X (p50, p99, max), the
total time until the last one, and the dispatch job's longest time from being queued by the
scheduler to done (q2 stamps `started` when a task is queued), which includes the wait behind
publish tasks. The issue's bar is a p99 lag of 35 s; its floor is q2's scheduler wake (every
30 s), which claiming ahead (one wake interval) takes out of the lag.
"""

import os
import random
import statistics
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from django.db import connection
from django.utils import timezone
from django_q.models import Task

from feeds.crossposting.models import (
    PENDING_STATUSES,
    CrossPost,
    CrossPostStatus,
    ExternalAccount,
)
from feeds.crossposting.sandbox.x import TWEETS_PATH, SandboxX
from feeds.services.posts import do_create_post
from tests.factories import UserFactory, create_community
from tests.feeds.crossposting.clusters import clusters, wait_for

BURST = 1000
NORMAL = 50
NORMAL_SPREAD_SECONDS = 120
NORMAL_LEAD_SECONDS = 35
WORKERS = 2
LATENCY = (0.05, 0.2)
# q2's first scheduler wake comes 30 s after the cluster starts; the burst falls due 15 s
# after it, so the cluster is running as in production, not starting.
LEAD_SECONDS = 45
SCHEDULER_WAKE_SECONDS = 30
TARGET_P99_SECONDS = 35
DISPATCH = "feeds.crossposting.tasks.dispatch_due_crossposts"


def seed_account(fake: SandboxX) -> tuple:
    owner = UserFactory(handle="crosspostbench")
    community = create_community(owner=owner, allow_public_teasers=True)
    post = do_create_post(owner, community, body="New vintage arriving Friday", audience="public")
    access, refresh = fake.issue_tokens()
    account = ExternalAccount(community=community, platform="x", external_id="1", handle="bench")
    account.access_token, account.refresh_token = access, refresh
    account.save()
    return owner, post, account


def schedule(target: tuple, due_by_text: dict) -> None:
    """Cross-posts with the given texts and due times, as the schedule form would save them."""
    owner, post, account = target
    CrossPost.objects.bulk_create(
        CrossPost(post=post, account=account, created_by=owner, scheduled_at=due, text=text)
        for text, due in due_by_text.items()
    )


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def all_settled(texts) -> bool:
    """Nothing left scheduled or publishing (a row in needs_review must not stall the run)."""
    return not CrossPost.objects.filter(text__in=list(texts), status__in=PENDING_STATUSES).exists()


def report(name: str, fake: SandboxX, due_by_text: dict, finished: bool, since) -> dict:
    requests = [
        request for request in fake.calls(TWEETS_PATH) if request.json()["text"] in due_by_text
    ]
    lags = [
        request.received_at - due_by_text[request.json()["text"]].timestamp()
        for request in requests
    ]
    texts = Counter(post["text"] for post in fake.posts if post["text"] in due_by_text)
    statuses = Counter(
        CrossPost.objects.filter(text__in=list(due_by_text)).values_list("status", flat=True)
    )
    dispatches = [
        (task.stopped - task.started).total_seconds()
        for task in Task.objects.filter(func=DISPATCH, started__gte=since)
    ]
    first_due = min(due_by_text.values()).timestamp()
    return {
        "benchmark": name,
        "finished": finished and statuses == {CrossPostStatus.PUBLISHED: len(due_by_text)},
        "crossposts": len(due_by_text),
        "published": statuses.get(CrossPostStatus.PUBLISHED, 0),
        "statuses": dict(statuses),
        "duplicates": sum(count - 1 for count in texts.values() if count > 1),
        "publish_requests": len(requests),
        "workers": WORKERS,
        "broker": "redis" if os.environ.get("REDIS_URL") else "orm",
        "database": connection.vendor,
        "fake_latency_ms": [int(LATENCY[0] * 1000), int(LATENCY[1] * 1000)],
        "early_requests": sum(1 for lag in lags if lag < 0),
        "lag_first_s": round(min(lags), 2) if lags else None,
        "lag_p50_s": round(statistics.median(lags), 2) if lags else None,
        "lag_p99_s": round(percentile(lags, 0.99), 2) if lags else None,
        "lag_max_s": round(max(lags), 2) if lags else None,
        "target_p99_s": TARGET_P99_SECONDS,
        "floor_s": SCHEDULER_WAKE_SECONDS,
        "total_s": round(max(r.received_at for r in requests) - first_due, 2) if lags else None,
        "dispatch_runs": len(dispatches),
        "dispatch_queued_to_done_max_ms": round(max(dispatches) * 1000) if dispatches else None,
    }


def run() -> list[dict]:
    fake = SandboxX(latency=LATENCY).start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sosoon_site.settings",
        "DEBUG": "1",
        "SOSOON_Q_WORKERS": str(WORKERS),
        "SOSOON_X_API_BASE": fake.url,
        "SOSOON_X_CLIENT_ID": fake.client_id,
        "SOSOON_X_CLIENT_SECRET": fake.client_secret,
    }
    results = []
    try:
        target = seed_account(fake)
        with (
            tempfile.TemporaryDirectory(prefix="sosoon-crosspost-") as workdir,
            clusters(env, count=1, workdir=Path(workdir)),
        ):
            started = timezone.now()
            due = started + timedelta(seconds=LEAD_SECONDS)
            burst = {f"Teaser {n}": due for n in range(BURST)}
            schedule(target, burst)
            finished = wait_for(lambda: all_settled(burst), timeout=LEAD_SECONDS + 900, every=1)
            results.append(report("crosspost_1000_due_at_once", fake, burst, finished, started))

            started = timezone.now()
            # Scheduled at least one wake ahead, as people schedule: a post saved less than
            # 30 s before its time can only be claimed at the next wake (the floor).
            normal = {
                f"Normal {n}": started
                + timedelta(seconds=NORMAL_LEAD_SECONDS + random.uniform(0, NORMAL_SPREAD_SECONDS))
                for n in range(NORMAL)
            }
            schedule(target, normal)
            time.sleep(NORMAL_LEAD_SECONDS + NORMAL_SPREAD_SECONDS)
            finished = wait_for(lambda: all_settled(normal), timeout=300, every=1)
            results.append(report("crosspost_50_over_2_minutes", fake, normal, finished, started))
    finally:
        fake.stop()
    return results
