"""Reading the counts of 10,000 published cross-posts within the networks' documented limits.

The sandbox X and Pinterest count every request against the same per-token limits as the
real networks (X's post lookup: 900 requests per 15 minutes; Pinterest's pin analytics: 300
per minute) and answer 429 past them; TikTok reports no counts for photo posts, so its
cross-posts are noted "not available" and cost no request. To finish in about a minute the
clock is scaled: one second stands for SCALE seconds, on both sides (the sandboxes' windows and
Sosoon's budget windows shrink alike), so each window still carries exactly the documented
number of requests. The sweep runs once per scaled minute, as its schedule does, and its reads
run on WORKERS threads, as the cluster's workers would.

Reported: cross-posts read, requests made to each network, 429s answered (must be 0), and the
time to read them all in real-network minutes beside the floor, the fewest windows the
documented limits allow for the busiest account.
"""

import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.db import close_old_connections, connection
from django.test import override_settings
from django.utils import timezone

from feeds.crossposting.metrics import services
from feeds.crossposting.metrics.limits import LIMITS, Limit
from feeds.crossposting.metrics.models import CrossPostMetric, MetricsWatch, RateWindow
from feeds.crossposting.models import CrossPost, CrossPostStatus, ExternalAccount
from feeds.crossposting.providers import provider_for
from feeds.services.posts import do_create_post
from tests.factories import UserFactory, create_community
from tests.fakes.pinterest import FakePinterest
from tests.fakes.tiktok import FakeTikTok
from tests.fakes.x import FakeX

ITEMS = {"x": 5000, "pinterest": 4000, "tiktok": 1000}
ACCOUNTS = {"x": 5, "pinterest": 4, "tiktok": 1}
# The endpoint each network's counts come from, as the sandboxes name their routes.
ROUTES = {"x": "lookup", "pinterest": "analytics"}
PATHS = {"x": "/2/tweets", "pinterest": "/v5/pins/"}
SCALE = 30
WORKERS = 2
TIMEOUT_SECONDS = 600


def scaled(limit: Limit) -> Limit:
    return Limit(limit.requests, limit.window / SCALE, limit.scope)


def seed(fakes: dict) -> dict[str, list[ExternalAccount]]:
    """ACCOUNTS per network, ITEMS published cross-posts spread over them, each live on its
    sandbox."""
    owner = UserFactory(handle="metricsbench")
    community = create_community(owner=owner, allow_public_teasers=True)
    post = do_create_post(owner, community, body="New vintage arriving Friday", audience="public")
    accounts: dict[str, list[ExternalAccount]] = {}
    published_at = timezone.now() - timedelta(hours=2)
    for platform, fake in fakes.items():
        accounts[platform] = []
        for number in range(ACCOUNTS[platform]):
            access, refresh = fake.issue_tokens()
            account = ExternalAccount(
                community=community,
                platform=platform,
                external_id=f"{platform}-{number}",
                handle=f"bench{number}",
            )
            account.access_token, account.refresh_token = access, refresh
            account.save()
            accounts[platform].append(account)
        rows = []
        for number in range(ITEMS[platform]):
            external_id = str(1_800_000_000_000_000_000 + number)
            with fake.lock:
                fake.posts.append(
                    {"id": external_id, "created_at": time.time() - 7200, "text": f"T{number}"}
                )
            rows.append(
                CrossPost(
                    post=post,
                    account=accounts[platform][number % ACCOUNTS[platform]],
                    created_by=owner,
                    status=CrossPostStatus.PUBLISHED,
                    scheduled_at=published_at,
                    published_at=published_at,
                    external_id=external_id,
                    text=f"T{number}",
                )
            )
        CrossPost.objects.bulk_create(rows, batch_size=1000)
    return accounts


def floor_minutes() -> float:
    """The least time the documented limits allow for the busiest account: every window but
    its last must pass in full."""
    needed = []
    for platform in ROUTES:
        per_account = math.ceil(ITEMS[platform] / ACCOUNTS[platform])
        requests = math.ceil(per_account / provider_for(platform).metrics_batch_size)
        windows = math.ceil(requests / LIMITS[platform].requests)
        needed.append((windows - 1) * LIMITS[platform].window.total_seconds() / 60)
    return max(needed)


def read(planned: services.Planned) -> None:
    try:
        services.read_metrics(planned.account_id, planned.crosspost_ids)
    finally:
        close_old_connections()


def sweep_until_read(expected: int, limits: dict) -> tuple[bool, int, float]:
    """Sweep once per scaled minute until `expected` cross-posts have a sample."""
    started = time.monotonic()
    sweeps = 0
    with ThreadPoolExecutor(WORKERS) as workers:
        while time.monotonic() - started < TIMEOUT_SECONDS:
            tick = time.monotonic()
            planned = services.plan_readings(limits=limits)
            sweeps += 1
            list(workers.map(read, planned))
            if CrossPostMetric.objects.count() >= expected:
                return True, sweeps, time.monotonic() - started
            time.sleep(max(0.0, 60 / SCALE - (time.monotonic() - tick)))
    return False, sweeps, time.monotonic() - started


def run() -> list[dict]:
    fakes = {"x": FakeX().start(), "pinterest": FakePinterest().start(), "tiktok": FakeTikTok()}
    fakes["tiktok"].start()
    refused = {platform: 0 for platform in ROUTES}
    lock = threading.Lock()
    for platform, fake in fakes.items():
        route = ROUTES.get(platform)
        if route:
            requests, seconds = fake.limits[route]
            fake.limits = {**fake.limits, route: (requests, seconds / SCALE)}
            answer = fake.rate_limited_reply

            def counted(reset, platform=platform, answer=answer):
                with lock:
                    refused[platform] += 1
                return answer(reset)

            fake.rate_limited_reply = counted
    api = {
        "SOSOON_X_API_BASE": fakes["x"].url,
        "SOSOON_PINTEREST_API_BASE": fakes["pinterest"].url,
        "SOSOON_TIKTOK_API_BASE": fakes["tiktok"].url,
        "SOSOON_CROSSPOST_HTTP_TIMEOUT": 5.0,
    }
    try:
        with override_settings(**api):
            seed(fakes)
            limits = {platform: scaled(limit) for platform, limit in LIMITS.items()}
            expected = ITEMS["x"] + ITEMS["pinterest"]
            finished, sweeps, elapsed = sweep_until_read(expected, limits)
            return [
                {
                    "benchmark": "metrics_10k",
                    "finished": finished,
                    "database": connection.vendor,
                    "crossposts": sum(ITEMS.values()),
                    "read": CrossPostMetric.objects.count(),
                    "not_available": MetricsWatch.objects.exclude(note="").count(),
                    "requests": {
                        platform: len(fakes[platform].calls(PATHS[platform])) for platform in ROUTES
                    },
                    "refused_429": refused,
                    "paused_buckets": RateWindow.objects.exclude(paused_until=None).count(),
                    "sweeps": sweeps,
                    "scale": SCALE,
                    "elapsed_s": round(elapsed, 1),
                    "network_minutes": round(elapsed * SCALE / 60, 1),
                    "floor_network_minutes": floor_minutes(),
                }
            ]
    finally:
        for fake in fakes.values():
            fake.stop()
