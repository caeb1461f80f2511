"""Each daphne's memory over VIEWS page views after warm-up: flat within 20% is the target.

Served by tests/bench/topology.py (two production daphne behind the shipped nginx) on the
kept large dataset. READERS readers sign in through the login form and read with two tabs
each, through nginx, cycling through the home feed in both orders, their community's feed
and their visible posts (bench_pages' reading list). After WARM_UP_VIEWS views each daphne's
RSS is the baseline; then VIEWS more (`--views=N`, default 10,000), with the RSS of each
sampled every tenth of them. A leak per request (a connection per thread, a cache that
grows with every page) shows as a climb; a warmed process's steady state as a plateau.
"""

import asyncio
import os
import tempfile
import time
from pathlib import Path

from django.db import connection, connections

from tests.bench.bench_pages import reading_list
from tests.bench.bulk_data import reader_emails
from tests.bench.load import close, measure, sign_in_readers, tab
from tests.bench.topology import rss_kib, served

VIEWS = int(os.environ.get("SOSOON_BENCH_VIEWS", "10000"))
WARM_UP_VIEWS = min(1_000, max(100, VIEWS // 10))
READERS = 8
SAMPLES = 10
GROWTH_TARGET = 0.20


async def read(clients, lists, views: int) -> dict:
    """`views` page views spread over the clients, each walking its reader's list."""
    each = -(-views // len(clients))  # rounded up: at least `views` in all

    def path_of(number: int, request: int) -> str:
        paths = [path for page in lists[number % len(lists)].values() for path in page]
        return paths[request % len(paths)]

    return await measure(clients, path_of, each)


async def drive(site, emails: list[str], lists: list[dict]) -> dict:
    clients = await sign_in_readers(site.nginx_url, emails, tls=site.tls)
    clients += [tab(member, site.nginx_url, site.tls) for member in clients]
    try:
        await read(clients, lists, WARM_UP_VIEWS)
        baseline = [rss_kib(pid) for pid in site.pids]
        samples, figures = [], []
        for _ in range(SAMPLES):
            figures.append(await read(clients, lists, VIEWS // SAMPLES))
            samples.append([rss_kib(pid) for pid in site.pids])
    finally:
        await close(clients)
    pairs = zip(baseline, samples[-1], strict=True)
    growth = [round(after / before - 1, 3) for before, after in pairs]
    return {
        "views": sum(figure["requests"] for figure in figures),
        "errors": sum(figure["errors"] for figure in figures),
        "views_per_s": round(sum(figure["requests_per_s"] for figure in figures) / len(figures), 1),
        "p95_ms_first_tenth": figures[0].get("p95_ms"),
        "p95_ms_last_tenth": figures[-1].get("p95_ms"),
        "rss_kib_after_warm_up": baseline,
        "rss_kib_samples": samples,
        "growth": growth,
        "target": f"each daphne's RSS within {GROWTH_TARGET:.0%} of its RSS after warm-up",
        "met": all(abs(share) <= GROWTH_TARGET for share in growth),
    }


def run() -> list[dict]:
    started = time.perf_counter()
    emails = reader_emails(READERS)
    lists = [reading_list(email) for email in emails]
    vendor = connection.vendor
    connections.close_all()
    if vendor == "postgresql":
        connection.close_pool()
    with (
        tempfile.TemporaryDirectory(prefix="sosoon-bench-memory-") as workdir,
        served(os.environ["DATABASE_URL"], Path(workdir)) as site,
    ):
        result = asyncio.run(drive(site, emails, lists))
    return [
        {
            "benchmark": "memory_page_views",
            "database": vendor,
            "through": "nginx",
            "daphnes": 2,
            "warm_up_views": WARM_UP_VIEWS,
            **result,
            "total_seconds": round(time.perf_counter() - started, 1),
        }
    ]
