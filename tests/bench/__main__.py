"""Run the benchmarks: `make bench` runs all but bench_insights (run it by name: `python -m
tests.bench insights`), `python -m tests.bench home` only bench_home.

Options (any order, before or after the names):
  --posts=N     the size of the bulk datasets (SOSOON_BENCH_POSTS): bench_daphne's, and the
                kept dataset of pages, memory and capacity (default 1,000,000 on PostgreSQL,
                100,000 on SQLite)
  --requests=N  requests per client alone in bench_pages (SOSOON_BENCH_REQUESTS, default 100)
  --views=N     page views bench_memory watches (SOSOON_BENCH_VIEWS, default 10,000)
  --speed=K     bench_capacity's time compression (SOSOON_BENCH_SPEED, default 1: a member
                loads a page a minute; 10: every 6 s)
  --steps=A,B   bench_capacity's member counts (SOSOON_BENCH_STEPS)
  --clients=A,B bench_chat's room sizes (SOSOON_BENCH_CLIENTS, default 50,200,500)
  --concurrency=A,B  bench_pages' levels, of 1, 8 and 32 (SOSOON_BENCH_CONCURRENCY, default all)
  --pages=A,B   bench_pages' pages, of home_latest, home_top, home_top_ranked, community, post
                (SOSOON_BENCH_PAGES, default all)
  --insights-members=N, --insights-posts=N  the size of bench_insights' kept community
                (SOSOON_BENCH_INSIGHTS_MEMBERS, _POSTS; default 5,000 members, 1,000,000
                posts: the issue's; smaller for a quick check)
  --sqlite      the embedded default even when DATABASE_URL names PostgreSQL

Most benchmarks get a database of the run's own (tests/e2e/databases.py): a SQLite file in a
temporary directory, or `<name>_bench` next to DATABASE_URL's PostgreSQL database, migrated
and seeded with demo data here and removed afterwards. The ones in ON_BULK_DATA read the
kept large dataset instead (tests/bench/bulk_data.py), and bench_insights its own kept
community (tests/bench/bench_insights.py), each kind in a process of its own since Django is
set up once per process. The developer's database is never opened. Set-up messages
go to stderr, so stdout carries only the JSON results.
"""

import importlib
import json
import logging
import os
import pkgutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import django
from django.core.management import call_command
from django.db import connections
from django.test import override_settings

from tests import bench
from tests.e2e.databases import scratch_database

ON_BULK_DATA = {"pages", "memory", "capacity"}
ON_INSIGHTS_DATA = {"insights"}
OPTIONS = {
    "--posts": "SOSOON_BENCH_POSTS",
    "--requests": "SOSOON_BENCH_REQUESTS",
    "--views": "SOSOON_BENCH_VIEWS",
    "--speed": "SOSOON_BENCH_SPEED",
    "--steps": "SOSOON_BENCH_STEPS",
    "--clients": "SOSOON_BENCH_CLIENTS",
    "--concurrency": "SOSOON_BENCH_CONCURRENCY",
    "--pages": "SOSOON_BENCH_PAGES",
    "--insights-members": "SOSOON_BENCH_INSIGHTS_MEMBERS",
    "--insights-posts": "SOSOON_BENCH_INSIGHTS_POSTS",
}
DEFAULT_BULK_POSTS = {"postgresql": 1_000_000, "sqlite": 100_000}


# Run only when named: seeding its kept community at the size and rolling up its 90
# days takes about half an hour (docs/insights.md, "Performance"), which `make bench` with no
# names must not start unasked.
ONLY_WHEN_NAMED = {"insights"}


def benchmark_names(requested: list[str]) -> list[str]:
    """The names in `requested`, or when it is empty every bench_<name> module's name but
    those ONLY_WHEN_NAMED."""
    available = sorted(
        module.name.removeprefix("bench_")
        for module in pkgutil.iter_modules(bench.__path__)
        if module.name.startswith("bench_")
    )
    unknown = sorted(set(requested) - set(available))
    if unknown:
        sys.exit(f"No benchmark named {', '.join(unknown)}; there are: {', '.join(available)}.")
    return requested or [name for name in available if name not in ONLY_WHEN_NAMED]


def run_and_print(names: list[str]) -> None:
    for name in names:
        for result in importlib.import_module(f"tests.bench.bench_{name}").run():
            print(json.dumps(result), flush=True)


def on_demo_data(names: list[str], configured_url: str) -> None:
    with (
        tempfile.TemporaryDirectory(prefix="sosoon-bench-") as workdir,
        scratch_database(configured_url, suffix="bench", directory=Path(workdir)) as url,
    ):
        os.environ.update(
            DJANGO_SETTINGS_MODULE="tests.bench.settings",
            # The development profile; tests/bench/settings.py then turns DEBUG off.
            DEBUG="1",
            DATABASE_URL=url,
            MEDIA_ROOT=str(Path(workdir) / "media"),
        )
        django.setup()
        try:
            call_command("migrate", interactive=False, verbosity=0)
            # seed_demo refuses DEBUG off (tests/bench/settings.py); this is a scratch
            # database, so the demo people and their shared password are wanted here.
            with override_settings(DEBUG=True):
                call_command("seed_demo", stdout=sys.stderr)
            run_and_print(names)
        finally:
            connections.close_all()


def on_bulk_data(names: list[str], configured_url: str) -> None:
    from tests.bench import bulk_data

    vendor = "postgresql" if configured_url.startswith("postgres") else "sqlite"
    posts = int(os.environ.get("SOSOON_BENCH_POSTS", DEFAULT_BULK_POSTS[vendor]))
    url = bulk_data.database_url(configured_url, posts=posts)
    seeded = bulk_data.is_seeded(url, posts=posts)
    with tempfile.TemporaryDirectory(prefix="sosoon-bench-") as workdir:
        os.environ.update(
            DJANGO_SETTINGS_MODULE="tests.bench.settings",
            DEBUG="1",
            DATABASE_URL=url,
            MEDIA_ROOT=str(Path(workdir) / "media"),
        )
        django.setup()
        try:
            call_command("migrate", interactive=False, verbosity=0)
            if not seeded:
                print(f"seeding the kept dataset: {posts:,} posts ({url})", file=sys.stderr)
                bulk_data.seed(posts)
            run_and_print(names)
        finally:
            connections.close_all()


def on_insights_data(names: list[str], configured_url: str) -> None:
    """bench_insights on its kept community (PostgreSQL only: it says so and skips else)."""
    if not configured_url.startswith("postgres"):
        on_demo_data(names, configured_url)
        return
    from tests.bench import bench_insights

    url = bench_insights.database_url(configured_url)
    seeded = bench_insights.is_seeded(url)
    with tempfile.TemporaryDirectory(prefix="sosoon-bench-") as workdir:
        os.environ.update(
            DJANGO_SETTINGS_MODULE="tests.bench.settings",
            DEBUG="1",
            DATABASE_URL=url,
            MEDIA_ROOT=str(Path(workdir) / "media"),
        )
        django.setup()
        try:
            call_command("migrate", interactive=False, verbosity=0)
            if not seeded:
                print(
                    f"seeding the Insights community: {bench_insights.MEMBERS:,} members, "
                    f"{bench_insights.POSTS:,} posts ({url})",
                    file=sys.stderr,
                )
                bench_insights.seed()
            run_and_print(names)
        finally:
            connections.close_all()


def main(arguments: list[str]) -> None:
    # One line per request from the load generator's HTTP client would bury the results.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    requested = []
    sqlite = False
    for argument in arguments:
        option, _, value = argument.partition("=")
        if option in OPTIONS:
            os.environ[OPTIONS[option]] = value
        elif argument == "--sqlite":
            sqlite = True
        else:
            requested.append(argument)
    names = benchmark_names(requested)
    configured_url = "" if sqlite else os.environ.get("DATABASE_URL", "")
    kinds = [
        (on_demo_data, [n for n in names if n not in ON_BULK_DATA | ON_INSIGHTS_DATA]),
        (on_insights_data, [n for n in names if n in ON_INSIGHTS_DATA]),
        (on_bulk_data, [n for n in names if n in ON_BULK_DATA]),
    ]
    kinds = [(runner, chosen) for runner, chosen in kinds if chosen]
    # A process of its own for each kind of database but the last; the options are in the
    # environment.
    flags = ["--sqlite"] if sqlite else []
    for _runner, chosen in kinds[:-1]:
        subprocess.run([sys.executable, "-m", "tests.bench", *flags, *chosen], check=True)
    runner, chosen = kinds[-1]
    runner(chosen, configured_url)


if __name__ == "__main__":
    # `kill` (SIGTERM) unwinds like Ctrl-C, so the servers a benchmark started are stopped.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    main(sys.argv[1:])
