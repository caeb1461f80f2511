"""The publishing calendar's month view for a brand owner with 20 accounts and 2,000
cross-posts, through a real daphne in the production profile, against a bare view on the
same daphne.

On PostgreSQL only. The runner's database gets one owner (time zone Europe/Paris, so the
calendar's local-day arithmetic is exercised) of one community with 20 connected accounts
(X, Pinterest and TikTok in turn) and 2,000 cross-posts, all inside the current month (the
worst case: every one of them falls in the range the month view asks for), published before
now and scheduled after it. A daphne starts on it with DEBUG off, the production settings
(plus the floor view, tests/bench/floor_urls.py) and a pool of POOL_MAX connections; the
owner signs in through the login form (httpx). One client then alternates the month view,
the week view and the floor, REQUESTS times each, after a warm-up.

Reported per view: p50/p95 of the page and of the floor, the ratio of the p50s (the issue's
target is at most 3), errors (any answer but 200), and the queries one request of the page
costs with 1 account and 1 cross-post and with the full 20 and 2,000 (counted in this
process through Django's test client; they must be equal, and tests/feeds/crossposting/
test_calendar.py asserts it too).
"""

import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feeds.crossposting.models import CrossPost, CrossPostStatus, ExternalAccount, Platform
from feeds.services.posts import do_create_post
from tests.bench.bench_feed import analyze
from tests.bench.floor_urls import FLOOR_PATH
from tests.bench.load import percentile
from tests.factories import UserFactory, create_community
from tests.production_server import serve, sign_in

ACCOUNTS = 20
CROSSPOSTS = 2_000
POOL_MAX = 8
PASSWORD = "bench-calendar-password"
HANDLE = "calendarbench"
ZONE = "Europe/Paris"
REQUESTS = 200
WARM_UP = 5
TARGET_RATIO = 3
PLATFORMS = [Platform.X, Platform.PINTEREST, Platform.TIKTOK]
VIEWS = {"month": "/crossposts/calendar/", "week": "/crossposts/calendar/?view=week"}


def seed() -> tuple[object, object]:
    """The owner, their community and public teaser, and one account with one cross-post
    (the small case). Production's hasher for the password, as people who signed up have."""
    owner = UserFactory(handle=HANDLE, time_zone=ZONE)
    hasher = PBKDF2PasswordHasher()
    owner.password = hasher.encode(PASSWORD, hasher.salt())
    owner.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=owner, email=owner.email, defaults={"verified": True, "primary": True}
    )
    community = create_community(owner=owner, allow_public_teasers=True)
    post = do_create_post(owner, community, body="New vintage arriving Friday", audience="public")
    first = ExternalAccount.objects.create(
        community=community, platform=Platform.X, external_id="bench-0", handle="brand0"
    )
    CrossPost.objects.create(post=post, account=first, scheduled_at=timezone.now(), text="One")
    return owner, post


def fill(post) -> None:
    """The other 19 accounts and the other 1,999 cross-posts, spread over the current month
    in the owner's zone."""
    community = post.community
    ExternalAccount.objects.bulk_create(
        ExternalAccount(
            community=community,
            platform=PLATFORMS[n % 3],
            external_id=f"bench-{n}",
            handle=f"brand{n}",
        )
        for n in range(1, ACCOUNTS)
    )
    accounts = list(ExternalAccount.objects.filter(community=community).order_by("pk"))
    zone = ZoneInfo(ZONE)
    today = timezone.now().astimezone(zone)
    month_start = datetime(today.year, today.month, 1, tzinfo=zone)
    # 28 days fit every month; the 2,000 land at even steps from the 1st at 00:00.
    step = timedelta(days=28) / CROSSPOSTS
    now = timezone.now()
    rows = []
    for n in range(1, CROSSPOSTS):
        at = month_start + step * n
        rows.append(
            CrossPost(
                post=post,
                account=accounts[n % ACCOUNTS],
                scheduled_at=at,
                text=f"Teaser {n}: new vintage arriving Friday https://sosoon.test/r/x/",
                status=CrossPostStatus.PUBLISHED if at < now else CrossPostStatus.SCHEDULED,
                published_at=at if at < now else None,
            )
        )
    CrossPost.objects.bulk_create(rows, batch_size=500)
    analyze()


def queries_for(owner, path: str) -> int:
    """Queries one request of `path` costs for `owner`, in this process."""
    client = Client()
    client.force_login(owner)
    client.get(path)  # the session's first touch
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    return len(captured.captured_queries)


async def timed(member, path: str, count: int) -> tuple[list[float], int, str]:
    samples, errors, body = [], 0, ""
    for _ in range(count):
        start = time.perf_counter()
        response = await member.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            errors += 1
        body = response.text
    return samples, errors, body


async def drive(site, email: str) -> dict[str, dict]:
    member = await sign_in(site, email, PASSWORD)
    try:
        for path in [*VIEWS.values(), FLOOR_PATH]:
            await timed(member, path, WARM_UP)
        pages = {name: [] for name in VIEWS}
        floor: list[float] = []
        errors = {name: 0 for name in [*VIEWS, "floor"]}
        chips = {}
        # Interleaved, so a slow moment of the machine falls on page and floor alike.
        for _ in range(REQUESTS):
            for name, path in VIEWS.items():
                samples, failed, body = await timed(member, path, 1)
                pages[name] += samples
                errors[name] += failed
                chips[name] = body.count('data-testid="chip"')
            samples, failed, _body = await timed(member, FLOOR_PATH, 1)
            floor += samples
            errors["floor"] += failed
        floor_p50 = statistics.median(floor)
        return {
            name: {
                "p50_ms": round(statistics.median(samples), 2),
                "p95_ms": round(percentile(samples, 0.95), 2),
                "floor_p50_ms": round(floor_p50, 2),
                "floor_p95_ms": round(percentile(floor, 0.95), 2),
                "ratio_p50": round(statistics.median(samples) / floor_p50, 2),
                "errors": errors[name] + errors["floor"],
                "chips_shown": chips[name],
                "requests": len(samples),
            }
            for name, samples in pages.items()
        }
    finally:
        await member.client.aclose()


def run() -> list[dict]:
    if connection.vendor != "postgresql":
        return [{"benchmark": "calendar_month", "skipped": "needs PostgreSQL: set DATABASE_URL"}]
    started = time.perf_counter()
    owner, post = seed()
    small = {name: queries_for(owner, path) for name, path in VIEWS.items()}
    print(f"seeding {ACCOUNTS} accounts and {CROSSPOSTS:,} cross-posts", file=sys.stderr)
    fill(post)
    large = {name: queries_for(owner, path) for name, path in VIEWS.items()}
    database_url = os.environ["DATABASE_URL"]
    # This process's own connections would be counted against the server's pool.
    connections.close_all()
    connection.close_pool()
    with (
        tempfile.TemporaryDirectory(prefix="sosoon-bench-calendar-") as workdir,
        serve(
            os.environ,
            database_url=database_url,
            redis_url=settings.REDIS_URL,
            workdir=Path(workdir),
            pool_max=POOL_MAX,
            settings_module="tests.bench.production_settings",
        ) as site,
    ):
        results = asyncio.run(drive(site, owner.email))
    return [
        {
            "benchmark": f"calendar_{name}",
            "accounts": ACCOUNTS,
            "crossposts": CROSSPOSTS,
            **result,
            "target_ratio_p50": TARGET_RATIO,
            "queries_1_account_1_crosspost": small[name],
            "queries_20_accounts_2000_crossposts": large[name],
            "total_seconds": round(time.perf_counter() - started, 1),
        }
        for name, result in results.items()
    ]
