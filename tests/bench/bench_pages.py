"""The pages members read most, through real daphne processes, each against a bare view on
the same server in the same run: the home feed (Latest and Top), a community feed and a post
page, at concurrency 1, 8 and 32 (`--concurrency=1,8` and `--pages=home_latest,home_top` for
fewer; `home_top_ranked` is Top ranked afresh on every request, `home_top` a reader's reload
within the minute, read from their kept ranking).

Served by tests/bench/topology.py (production profile, two daphne behind the shipped nginx
site) on the kept large dataset (tests/bench/bulk_data.py: 1,000,000 posts on PostgreSQL,
100,000 on SQLite unless `--posts=N`). Readers sign in through the login form. Concurrency 1
and 8 go to the first daphne directly (one process, as the targets say); concurrency 32 goes
through nginx over HTTPS to both, 16 readers with two tabs each. Every client requests the
page REQUESTS times alone, REQUESTS / 5 times side by side (`--requests=N`), and the floor
(tests/bench/floor_urls.py) as often: alone in turns of ten with the page (load.measure_in_turns:
the machine is shared, and a burst from elsewhere then falls on both), side by side after it. A
community feed is one of the reader's communities, a post page cycles through the 20 newest
posts the reader may see.

Reported per page and concurrency: requests/s, p50/p95/p99, errors (any answer but 200) for
the page and the floor, their ratios, the RSS of each daphne afterwards, and the issue's
target where one applies, with whether it is met.
"""

import asyncio
import base64
import os
import tempfile
import time
from pathlib import Path

from django.db import connection, connections

from communities.models import Membership, MembershipStatus
from feeds.models import Post
from feeds.policy import visible_posts_filter
from sosoon_site.accounts.models import User
from tests.bench.bulk_data import reader_emails
from tests.bench.floor_urls import FLOOR_PATH
from tests.bench.load import close, measure, measure_in_turns, sign_in_readers, tab
from tests.bench.topology import rss_kib, served

REQUESTS = int(os.environ.get("SOSOON_BENCH_REQUESTS", "100"))
READERS = 16
WARM_UP = 3
CONCURRENCY = tuple(
    int(level) for level in os.environ.get("SOSOON_BENCH_CONCURRENCY", "1,8,32").split(",")
)
PAGES = (
    os.environ.get("SOSOON_BENCH_PAGES", "").split(",")
    if os.environ.get("SOSOON_BENCH_PAGES")
    else []
)
HOME_RATIO = {"postgresql": 2.0, "sqlite": 3.0}
THROUGHPUT_RATIO = 0.5


def ranked_afresh() -> list[str]:
    """Top's first page, each path at an anchor of its own: a reload within the minute reads
    the reader's kept ranking (feeds/kept_rankings.py), a new anchor is ranked afresh, which
    is what a reader's first Top page of the minute costs. The cursor's last score is
    infinity, so every post of the window is after it."""
    now = time.time()
    return [
        "/?order=top&after="
        + base64.urlsafe_b64encode(f"{now - number / 1000}|inf|0".encode()).decode()
        for number in range(4 * REQUESTS + WARM_UP)
    ]


def reading_list(email: str) -> dict[str, list[str]]:
    """The paths a reader requests per page: the home feed in both orders (Top read from
    the kept ranking and ranked afresh), their first community's feed, and the newest posts
    they may see."""
    reader = User.objects.get(email=email)
    slug = (
        Membership.objects.filter(user=reader, status=MembershipStatus.ACTIVE)
        .order_by("community_id")
        .values_list("community__slug", flat=True)
        .first()
    )
    posts = (
        Post.objects.filter(visible_posts_filter(reader))
        .order_by("-created")
        .values_list("pk", flat=True)[:20]
    )
    lists = {
        "home_latest": ["/?order=latest"],
        "home_top": ["/?order=top"],
        "home_top_ranked": ranked_afresh(),
        "community": [f"/c/{slug}/posts/"],
        "post": [f"/p/{pk}/" for pk in posts],
    }
    return {page: paths for page, paths in lists.items() if not PAGES or page in PAGES}


def target(page: str, concurrency: int, result: dict) -> dict:
    """The issue's target for this line, if it has one, and whether the figures meet it."""
    if not page.startswith("home"):
        return {"target": None, "met": None}
    if concurrency == 1:
        most = HOME_RATIO[connection.vendor]
        return {
            "target": f"p50 at most {most}x the bare view's",
            "met": result["ratio_p50"] <= most,
        }
    if concurrency == 32:
        return {
            "target": f"zero errors, requests/s at least {THROUGHPUT_RATIO}x the bare view's",
            "met": result["errors"] == 0 and result["ratio_requests_per_s"] >= THROUGHPUT_RATIO,
        }
    return {"target": None, "met": None}


async def page_and_floor(clients, lists, page: str, count: int) -> dict:
    def path_of(number: int, request: int) -> str:
        paths = lists[number % len(lists)][page]  # a second tab reads as its first
        return paths[request % len(paths)]

    if len(clients) == 1:
        result, floor = await measure_in_turns(clients[0], path_of, FLOOR_PATH, count)
    else:
        result = await measure(clients, path_of, count)
        floor = await measure(clients, lambda number, request: FLOOR_PATH, count)
    return {
        **result,
        **{f"floor_{name}": value for name, value in floor.items()},
        "ratio_p50": round(result["p50_ms"] / floor["p50_ms"], 2),
        "ratio_requests_per_s": round(result["requests_per_s"] / floor["requests_per_s"], 2),
    }


async def drive(site, emails: list[str], lists: list[dict]) -> list[dict]:
    direct = await sign_in_readers(site.direct_url(0), emails[: 8 if 8 in CONCURRENCY else 1])
    proxied = []
    if 32 in CONCURRENCY:
        proxied = await sign_in_readers(site.nginx_url, emails, tls=site.tls)
        proxied += [tab(member, site.nginx_url, site.tls) for member in proxied]
    rounds = {
        1: (direct[:1], "daphne", 1, REQUESTS),
        8: (direct, "daphne", 1, max(1, REQUESTS // 5)),
        32: (proxied, "nginx", 2, max(1, REQUESTS // 5)),
    }
    rounds = {concurrency: rounds[concurrency] for concurrency in CONCURRENCY}
    results = []
    try:
        for clients, *_ in rounds.values():
            for page in lists[0]:
                await measure(
                    clients, lambda n, r, page=page: lists[n % len(lists)][page][0], WARM_UP
                )
        for concurrency in CONCURRENCY:
            clients, through, daphnes, count = rounds[concurrency]
            for page in lists[0]:
                result = await page_and_floor(clients, lists, page, count)
                results.append(
                    {
                        "benchmark": f"pages_{page}",
                        "concurrency": concurrency,
                        "through": through,
                        "daphnes": daphnes,
                        **result,
                        "rss_kib": [rss_kib(pid) for pid in site.pids],
                        **target(page, concurrency, result),
                    }
                )
        return results
    finally:
        await close(direct + proxied)


def run() -> list[dict]:
    started = time.perf_counter()
    emails = reader_emails(READERS)
    lists = [reading_list(email) for email in emails]
    posts = Post.objects.count()
    vendor = connection.vendor
    # This process's connections would be counted against the server's budget.
    connections.close_all()
    if vendor == "postgresql":
        connection.close_pool()
    with (
        tempfile.TemporaryDirectory(prefix="sosoon-bench-pages-") as workdir,
        served(os.environ["DATABASE_URL"], Path(workdir)) as site,
    ):
        results = asyncio.run(drive(site, emails, lists))
    return [
        {
            **result,
            "database": vendor,
            "posts": posts,
            "total_seconds": round(time.perf_counter() - started, 1),
        }
        for result in results
    ]
