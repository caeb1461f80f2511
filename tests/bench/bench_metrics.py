"""Reading the counts of 10,000 published cross-posts within the networks' documented limits.

The sandbox X and Pinterest count every request against the same per-token limits as the
real networks (X's post lookup: 900 requests per 15 minutes, 100 posts each; Pinterest's pin
analytics: 300 per minute, one pin each) and answer 429 past them; TikTok reports no counts
for photo posts, so its cross-posts are noted "not available" and cost no request. The clock
is scaled: one second stands for SCALE seconds on both sides (the sandboxes' windows and
Sosoon's budget windows shrink alike), so each window still carries exactly the documented
number of requests. The sweep runs once per scaled minute, as its schedule does, and its reads
run on WORKERS threads, as the cluster's workers would.

Two runs on the same data: first with no limit on either side (the floor: how fast this
machine reads them at all), then with the documented limits. Reported for each: cross-posts
read, requests to each network, the most requests one token sent within any window (must not
exceed the limit), 429s answered (must be 0), and the time; for the second also that time in
network minutes (x SCALE) beside the least the limits allow for the busiest account.
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
from feeds.crossposting.sandbox.pinterest import SandboxPinterest
from feeds.crossposting.sandbox.tiktok import SandboxTikTok
from feeds.crossposting.sandbox.x import SandboxX
from feeds.services.posts import do_create_post
from tests.factories import UserFactory, create_community

ITEMS = {"x": 5000, "pinterest": 4000, "tiktok": 1000}
ACCOUNTS = {"x": 5, "pinterest": 4, "tiktok": 1}
# The endpoint each network's counts come from, as the sandboxes name their routes, and how
# its requests' paths end.
ROUTES = {"x": "lookup", "pinterest": "analytics"}
PATHS = {"x": "/2/tweets", "pinterest": "/analytics"}
SCALE = 4
WORKERS = 2
TIMEOUT_SECONDS = 600


def scaled(limit: Limit) -> Limit:
    return Limit(limit.requests, limit.window / SCALE, limit.scope)


def seed() -> tuple:
    """ACCOUNTS per network and ITEMS published cross-posts spread over them."""
    owner = UserFactory(handle="metricsbench")
    community = create_community(owner=owner, allow_public_teasers=True)
    post = do_create_post(owner, community, body="New vintage arriving Friday", audience="public")
    published_at = timezone.now() - timedelta(hours=2)
    accounts: dict[str, list[ExternalAccount]] = {}
    for platform, items in ITEMS.items():
        accounts[platform] = [
            ExternalAccount.objects.create(
                community=community,
                platform=platform,
                external_id=f"{platform}-{number}",
                handle=f"bench{number}",
            )
            for number in range(ACCOUNTS[platform])
        ]
        CrossPost.objects.bulk_create(
            (
                CrossPost(
                    post=post,
                    account=accounts[platform][number % ACCOUNTS[platform]],
                    created_by=owner,
                    status=CrossPostStatus.PUBLISHED,
                    scheduled_at=published_at,
                    published_at=published_at,
                    external_id=external_id(number),
                    text=f"T{number}",
                )
                for number in range(items)
            ),
            batch_size=1000,
        )
    return accounts


def external_id(number: int) -> str:
    return str(1_800_000_000_000_000_000 + number)


def sandboxes(accounts: dict, limits: dict[str, Limit]) -> dict:
    """Fresh sandboxes holding `limits` for the metrics routes, every cross-post live on
    them, and each account holding a token of its sandbox."""
    fakes = {
        "x": SandboxX().start(),
        "pinterest": SandboxPinterest().start(),
        "tiktok": SandboxTikTok().start(),
    }
    for platform, route in ROUTES.items():
        fake = fakes[platform]
        limit = limits[platform]
        fake.limits = {**fake.limits, route: (limit.requests, int(limit.window.total_seconds()))}
        with fake.lock:
            fake.posts.extend(
                {"id": external_id(number), "created_at": time.time() - 7200, "text": f"T{number}"}
                for number in range(ITEMS[platform])
            )
    for platform, platform_accounts in accounts.items():
        for account in platform_accounts:
            account.access_token, account.refresh_token = fakes[platform].issue_tokens()
            account.save()
    return fakes


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


def sweep_until_read(expected: int, limits: dict, *, every: float) -> tuple[bool, int, float]:
    """Sweep every `every` seconds until `expected` cross-posts have a sample. As the
    schedule does in production, a sweep does not wait for the reads earlier sweeps queued:
    the planning must keep within the limits while reads are still under way."""
    started = time.monotonic()
    sweeps, reads, done = 0, [], False
    with ThreadPoolExecutor(WORKERS) as workers:
        while not done and time.monotonic() - started < TIMEOUT_SECONDS:
            tick = time.monotonic()
            reads += [workers.submit(read, planned) for planned in plan(limits)]
            sweeps += 1
            done = CrossPostMetric.objects.count() >= expected
            if not done:
                time.sleep(max(0.0, every - (time.monotonic() - tick)))
    for finished in reads:
        finished.result()  # a read that raised fails the run
    return done, sweeps, time.monotonic() - started


def plan(limits: dict) -> list:
    try:
        return services.plan_readings(limits=limits)
    finally:
        close_old_connections()


def busiest_window(fake, path: str, limit: Limit) -> int:
    """The most requests one token sent within any span of `limit.window` (the sandbox counts
    fixed windows; any span is the stricter test)."""
    by_token: dict[str, list[float]] = {}
    for request in fake.requests:
        if path in request.path:
            by_token.setdefault(request.bearer(), []).append(request.received_at)
    span = limit.window.total_seconds()
    most = 0
    for times in by_token.values():
        times.sort()
        start = 0
        for end, moment in enumerate(times):
            while moment - times[start] >= span:
                start += 1
            most = max(most, end - start + 1)
    return most


def one_run(name: str, accounts: dict, limits: dict[str, Limit], *, every: float) -> dict:
    CrossPostMetric.objects.all().delete()
    MetricsWatch.objects.all().delete()
    RateWindow.objects.all().delete()
    fakes = sandboxes(accounts, limits)
    refused = {platform: 0 for platform in ROUTES}
    lock = threading.Lock()
    for platform in ROUTES:
        answer = fakes[platform].rate_limited_reply

        def counted(reset, platform=platform, answer=answer):
            with lock:
                refused[platform] += 1
            return answer(reset)

        fakes[platform].rate_limited_reply = counted
    api = {
        "SOSOON_X_API_BASE": fakes["x"].url,
        "SOSOON_PINTEREST_API_BASE": fakes["pinterest"].url,
        "SOSOON_TIKTOK_API_BASE": fakes["tiktok"].url,
        "SOSOON_CROSSPOST_HTTP_TIMEOUT": 5.0,
    }
    try:
        with override_settings(**api):
            expected = ITEMS["x"] + ITEMS["pinterest"]
            finished, sweeps, elapsed = sweep_until_read(expected, limits, every=every)
        requests = {
            platform: sum(
                1 for request in fakes[platform].requests if PATHS[platform] in request.path
            )
            for platform in ROUTES
        }
        return {
            "benchmark": name,
            "finished": finished,
            "database": connection.vendor,
            "crossposts": sum(ITEMS.values()),
            "read": CrossPostMetric.objects.count(),
            "not_available": MetricsWatch.objects.exclude(note="").count(),
            "requests": requests,
            "limit_per_window": {platform: limits[platform].requests for platform in ROUTES},
            "window_s": {platform: limits[platform].window.total_seconds() for platform in ROUTES},
            "busiest_window": {
                platform: busiest_window(fakes[platform], PATHS[platform], limits[platform])
                for platform in ROUTES
            },
            "refused_429": refused,
            "sweeps": sweeps,
            "elapsed_s": round(elapsed, 1),
        }
    finally:
        for fake in fakes.values():
            fake.stop()


def run() -> list[dict]:
    accounts = seed()
    unlimited = {
        platform: Limit(1_000_000, timedelta(seconds=3600), limit.scope)
        for platform, limit in LIMITS.items()
    }
    floor = one_run("metrics_10k_unthrottled_floor", accounts, unlimited, every=0.5)
    documented = {platform: scaled(limit) for platform, limit in LIMITS.items()}
    result = one_run("metrics_10k_documented_limits", accounts, documented, every=60 / SCALE)
    result["scale"] = SCALE
    result["network_minutes"] = round(result["elapsed_s"] * SCALE / 60, 1)
    result["limits_floor_network_minutes"] = floor_minutes()
    result["unthrottled_floor_s"] = floor["elapsed_s"]
    return [floor, result]
