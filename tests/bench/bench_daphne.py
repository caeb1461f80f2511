"""The home feed through a real daphne in the production profile, against a bare view on the
same daphne, at concurrency 1 and 16; and the PostgreSQL sessions it holds.

On PostgreSQL only. The runner's database gets seed_bulk's people and communities and POSTS
posts (1,000,000 unless `python -m tests.bench daphne --posts=N`), then a daphne starts on
it with DEBUG off, the production settings (plus the floor view, tests/bench/floor_urls.py)
and a pool of POOL_MAX connections, with Redis when REDIS_URL is set. CLIENTS bulk members
sign in through the login form (httpx). At concurrency 1 one client alternates the home page
(Latest, then Top) and then the floor; at concurrency 16 every client does, side by side.
Reported per order and concurrency: p50/p95 of the page and of the floor, requests/s of
each, errors (any answer but 200), and the daphne's PostgreSQL sessions before it starts,
at most during the run, and after.

The load generator shares the machine with daphne and PostgreSQL, so figures compare within
one run; the issue's target is p50 within 3x the floor at concurrency 1, zero errors, and
sessions bounded by the pool.
"""

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection, connections

from feeds.bulk_seed import seed_people, seed_posts
from sosoon_site.accounts.models import User
from tests.bench.bench_feed import analyze
from tests.bench.floor_urls import FLOOR_PATH
from tests.production_server import Member, SessionCounter, serve, sign_in

POSTS = int(os.environ.get("SOSOON_BENCH_POSTS", "1000000"))
POOL_MAX = 8
CLIENTS = 16
READERS = [f"bulk_{n}" for n in range(7, 7 + CLIENTS)]
PASSWORD = "bench-reader-password"
REQUESTS_ALONE = 100
REQUESTS_EACH = 20
WARM_UP = 3
ORDERS = ("latest", "top")


def seed(rng_seed: int = 4) -> None:
    """Bulk people, communities and POSTS posts; the readers get a password and a verified
    address, as people who signed up do. Production's hasher, not the test profile's."""
    rng = random.Random(rng_seed)
    world = seed_people(members=2_000, communities=50, per_member=5, rng=rng)
    seed_posts(
        world,
        posts=POSTS,
        days=365,
        comments_per_post=0.5,
        reactions_per_post=1.5,
        rng=rng,
        progress=lambda done: print(f"  {done:,} posts", file=sys.stderr),
    )
    hasher = PBKDF2PasswordHasher()
    for reader in User.objects.filter(handle__in=READERS):
        reader.password = hasher.encode(PASSWORD, hasher.salt())
        reader.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=reader, email=reader.email, defaults={"verified": True, "primary": True}
        )
    analyze()


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


async def measure(members: list[Member], path: str, count: int) -> dict:
    """Every member in `members` requesting `path` `count` times, side by side: latencies,
    requests per second over the wall time, and errors."""
    samples: list[float] = []
    errors: list[int] = []

    async def one_member(member: Member) -> None:
        for _ in range(count):
            start = time.perf_counter()
            response = await member.get(path)
            samples.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                errors.append(response.status_code)

    started = time.perf_counter()
    await asyncio.gather(*(one_member(member) for member in members))
    seconds = time.perf_counter() - started
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(p95(samples), 1),
        "requests_per_second": round(len(samples) / seconds, 1),
        "requests": len(samples),
        "errors": len(errors),
    }


async def page_and_floor(members: list[Member], order: str, count: int) -> dict:
    """The home page in `order`, then the floor, at concurrency len(members)."""
    page = await measure(members, f"/?order={order}", count)
    floor = await measure(members, FLOOR_PATH, count)
    return {
        "order": order,
        "concurrency": len(members),
        **page,
        **{f"floor_{name}": value for name, value in floor.items()},
        "ratio_p50": round(page["p50_ms"] / floor["p50_ms"], 2),
    }


async def drive(site, emails: list[str]) -> list[dict]:
    members = [await sign_in(site, email, PASSWORD) for email in emails]
    try:
        for member in members:
            for order in ORDERS:
                for _ in range(WARM_UP):
                    await member.get(f"/?order={order}")
        results = []
        for order in ORDERS:
            results.append(await page_and_floor(members[:1], order, REQUESTS_ALONE))
            results.append(await page_and_floor(members, order, REQUESTS_EACH))
        return results
    finally:
        for member in members:
            await member.client.aclose()


def run() -> list[dict]:
    if connection.vendor != "postgresql":
        return [{"benchmark": "daphne_home", "skipped": "needs PostgreSQL: set DATABASE_URL"}]
    started = time.perf_counter()
    print(f"seeding {POSTS:,} posts", file=sys.stderr)
    seed()
    seed_seconds = time.perf_counter() - started
    database_url = os.environ["DATABASE_URL"]
    emails = list(User.objects.filter(handle__in=READERS).values_list("email", flat=True))
    # This process's own pool would be counted as the daphne's.
    connections.close_all()
    connection.close_pool()
    with tempfile.TemporaryDirectory(prefix="sosoon-bench-daphne-") as workdir:
        counter = SessionCounter(database_url, bound=POOL_MAX)
        before = counter.count()
        with serve(
            os.environ,
            database_url=database_url,
            redis_url=settings.REDIS_URL,
            workdir=Path(workdir),
            pool_max=POOL_MAX,
            settings_module="tests.bench.production_settings",
        ) as site:
            with counter:
                results = asyncio.run(drive(site, emails))
            time.sleep(1)
            after = counter.count()
        counter.close()
    sessions = {
        "pool_max": POOL_MAX,
        "pg_sessions_before": before,
        "pg_sessions_peak": max(counter.samples),
        "pg_sessions_after": after,
    }
    return [
        {
            "benchmark": f"daphne_home_{result.pop('order')}",
            "posts": POSTS,
            **result,
            **sessions,
            "seed_seconds": round(seed_seconds, 1),
            "total_seconds": round(time.perf_counter() - started, 1),
        }
        for result in results
    ]
