"""1,000 cross-posts due at the same moment, published by one q2 cluster with two workers.

The fake X answers every request after 50-200 ms. The cluster runs the production settings
in a subprocess (DEBUG=1 profile, this run's scratch database, ORM broker unless REDIS_URL
is set). Reported: how many were published, duplicates (must be 0), the lag from the
scheduled time to the publish request reaching X (p50, p99, max), and the total time until
the last one. The floor is q2's scheduler wake (every 30 s): a post due just after a wake
waits up to 30 s for the next one, and the dispatcher adds nothing to that.
"""

import os
import statistics
import tempfile
from collections import Counter
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from feeds.crossposting.models import CrossPost, CrossPostStatus, ExternalAccount
from feeds.services.posts import do_create_post
from tests.factories import UserFactory, create_community
from tests.fakes.x import TWEETS_PATH, FakeX
from tests.feeds.crossposting.clusters import clusters, wait_for

COUNT = 1000
WORKERS = 2
LATENCY = (0.05, 0.2)
# Long enough for the cluster to start before the posts fall due.
LEAD_SECONDS = 20
SCHEDULER_WAKE_SECONDS = 30


def seed(fake: FakeX, due) -> None:
    owner = UserFactory(handle="crosspostbench")
    community = create_community(owner=owner, allow_public_teasers=True)
    post = do_create_post(owner, community, body="New vintage arriving Friday", audience="public")
    access, refresh = fake.issue_tokens()
    account = ExternalAccount(community=community, platform="x", external_id="1", handle="bench")
    account.access_token, account.refresh_token = access, refresh
    account.save()
    CrossPost.objects.bulk_create(
        CrossPost(
            post=post, account=account, created_by=owner, scheduled_at=due, text=f"Teaser {n}"
        )
        for n in range(COUNT)
    )


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run() -> list[dict]:
    fake = FakeX(latency=LATENCY).start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sosoon_site.settings",
        "DEBUG": "1",
        "SOSOON_Q_WORKERS": str(WORKERS),
        "SOSOON_X_API_BASE": fake.url,
        "SOSOON_X_CLIENT_ID": fake.client_id,
        "SOSOON_X_CLIENT_SECRET": fake.client_secret,
    }
    due = timezone.now() + timedelta(seconds=LEAD_SECONDS)
    try:
        seed(fake, due)
        with (
            tempfile.TemporaryDirectory(prefix="sosoon-crosspost-") as workdir,
            clusters(env, count=1, workdir=Path(workdir)),
        ):
            finished = wait_for(
                lambda: CrossPost.objects.filter(status=CrossPostStatus.PUBLISHED).count() == COUNT,
                timeout=LEAD_SECONDS + 900,
                every=2,
            )
        tweets = fake.calls(TWEETS_PATH)
    finally:
        fake.stop()
    texts = Counter(post["text"] for post in fake.posts)
    lags = [request.received_at - due.timestamp() for request in tweets]
    statuses = Counter(CrossPost.objects.values_list("status", flat=True))
    return [
        {
            "benchmark": "crosspost_1000_due_at_once",
            "finished": finished,
            "crossposts": COUNT,
            "published": statuses.get(CrossPostStatus.PUBLISHED, 0),
            "statuses": dict(statuses),
            "duplicates": sum(count - 1 for count in texts.values() if count > 1),
            "publish_requests": len(tweets),
            "workers": WORKERS,
            "broker": "redis" if os.environ.get("REDIS_URL") else "orm",
            "fake_latency_ms": [int(LATENCY[0] * 1000), int(LATENCY[1] * 1000)],
            "early_requests": sum(1 for lag in lags if lag < 0),
            "lag_first_s": round(min(lags), 2) if lags else None,
            "lag_p50_s": round(statistics.median(lags), 2) if lags else None,
            "lag_p99_s": round(percentile(lags, 0.99), 2) if lags else None,
            "lag_max_s": round(max(lags), 2) if lags else None,
            "floor_s": SCHEDULER_WAKE_SECONDS,
            "total_s": round(max(lags), 2) if lags else None,
        }
    ]
