"""Insights for one large community through a real daphne, against a bare view on the same
daphne in the same run, and the nightly roll-up of one day of that community, timed.

On PostgreSQL only. The dataset is kept between runs like bulk_data's (seeding and rolling
up 90 days of a million posts takes long; nothing measured here changes it): the database
`<DATABASE_URL's name>_bi`, holding one community of MEMBERS members (seed_bulk's people,
feeds/bulk_seed.py) with POSTS posts over the last HISTORY_DAYS days, their comments and
reactions, each member's join (three in five before the history starts, the rest across
it), a fifth of the members opening the feed each day, and every finished day rolled up
(the backfill). `--insights-members=N --insights-posts=N` make a smaller one for a quick
check (defaults 5,000 and 1,000,000, the issue's).

Measured:
- the roll-up of the latest day rolled up (`roll_up_day`, then the cohorts as the job does),
  again: rolling a day up replaces its rows, so the dataset stays as it was. Target < 10 s;
- the page's queries for 7, 30 and 90 days, counted in this process (django.test.Client):
  they must be equal, or the benchmark stops (the page reads summary rows only);
- the page for the 30 and 90 days ending on that day, for the community's owner signed in
  through the login form (httpx) on a production-profile daphne, in turns of ten with the
  floor (tests/bench/floor_urls.py, load.measure_in_turns). Target: p50 within 3x the floor's.
  The page keeps its numbers as rendered until a roll-up writes (feeds/insights/report.py),
  so these are an owner's views after the first; `insights_30_days_first_view` asks for a
  30-day period ending on another day each time, each one's first view since the roll-up.
"""

import asyncio
import os
import random
import re
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.conf import settings
from django.db import connection, connections
from django.db.models import Max
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.bench import bulk_data
from tests.bench.load import measure_in_turns
from tests.production_server import serve, sign_in

MEMBERS = int(os.environ.get("SOSOON_BENCH_INSIGHTS_MEMBERS", "5000"))
POSTS = int(os.environ.get("SOSOON_BENCH_INSIGHTS_POSTS", "1000000"))
HISTORY_DAYS = 90
VISITING_SHARE = 0.2
PASSWORD = "bench-insights-password"
REQUESTS = int(os.environ.get("SOSOON_BENCH_REQUESTS", "100"))
WARM_UP = 5
POOL_MAX = 8
PAGE_RATIO = 3
ROLL_UP_SECONDS = 10


def made_by() -> str:
    """What the kept dataset was made by: bulk_data's sources, this module and its size."""
    return bulk_data.fingerprint(Path(__file__), size=f"insights {MEMBERS} members")


def database_url(configured_url: str) -> str:
    """The kept dataset's database beside DATABASE_URL's (PostgreSQL only)."""
    name = dj_database_url.parse(configured_url)["NAME"]
    return urlsplit(configured_url)._replace(path=f"/{name}_bi").geturl()


def is_seeded(url: str) -> bool:
    return bulk_data.is_seeded(url, posts=POSTS, made_by=made_by())


def _joins(community, start, rng: random.Random) -> None:
    """Each member's join: the owner and three in five before `start`, the rest across the
    history. Written straight into the history, as bulk_seed writes memberships."""
    from communities.models import ChangeKind, Membership, MembershipChange
    from feeds.bulk_seed import copy_rows

    rows = []
    for user_id, tier_id in Membership.objects.filter(community=community).values_list(
        "user_id", "tier_id"
    ):
        if user_id == community.owner_id or rng.random() < 0.6:
            at = start - timedelta(days=rng.uniform(1, 10))
        else:
            at = start + timedelta(seconds=rng.uniform(0, HISTORY_DAYS * 86_400))
        rows.append((community.pk, user_id, ChangeKind.JOINED, tier_id, at))
    copy_rows(MembershipChange, ["community", "user", "kind", "tier", "at"], rows)


def _visits(community, people: list[int], first: date, last: date, rng: random.Random) -> None:
    from feeds.bulk_seed import copy_rows
    from feeds.insights.models import MemberVisit

    rows = []
    day = first
    while day <= last:
        for user_id in rng.sample(people, int(len(people) * VISITING_SHARE)):
            rows.append((community.pk, user_id, day))
        day += timedelta(days=1)
    copy_rows(MemberVisit, ["community", "user", "day"], rows)


def seed() -> None:
    """Seed the (migrated, empty) database Django is set up on, roll its history up, and
    record what it holds."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from communities.models import Community
    from feeds.bulk_seed import seed_people, seed_posts
    from feeds.insights.days import local_day, today
    from feeds.insights.rollups import roll_up_days
    from tests.bench.bench_feed import analyze

    rng = random.Random(15)
    world = seed_people(members=MEMBERS, communities=1, per_member=1, rng=rng)
    ((community_id, people),) = world.members.items()
    start = timezone.now() - timedelta(days=HISTORY_DAYS)
    Community.objects.filter(pk=community_id).update(created_at=start - timedelta(days=10))
    community = Community.objects.get(pk=community_id)
    _joins(community, start, rng)
    seed_posts(
        world,
        posts=POSTS,
        days=HISTORY_DAYS,
        comments_per_post=0.5,
        reactions_per_post=1.5,
        rng=rng,
        progress=lambda done: print(f"  {done:,} posts", file=sys.stderr),
    )
    first, last = local_day(community, start), today(community) - timedelta(days=1)
    _visits(community, people, first, last, rng)
    owner = community.owner
    hasher = PBKDF2PasswordHasher()
    owner.password = hasher.encode(PASSWORD, hasher.salt())
    owner.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=owner, email=owner.email, defaults={"verified": True, "primary": True}
    )
    analyze()
    print(f"rolling up {(last - first).days + 1} days", file=sys.stderr)
    started = time.perf_counter()
    roll_up_days(community, first, last)
    print(f"  rolled up in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    bulk_data.mark_seeded(POSTS, made_by())


def _custom(community, last: date, days: int) -> str:
    start = last - timedelta(days=days - 1)
    return f"/c/{community.slug}/insights/?period=custom&start={start}&end={last}"


def _queries(owner, path: str) -> int:
    client = Client()
    client.force_login(owner)
    client.get(path)  # the session's first touch
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    return len(captured.captured_queries)


def _timed_roll_up(community, day: date) -> dict:
    from feeds.insights.rollups import roll_up_cohorts, roll_up_day

    started = time.perf_counter()
    roll_up_day(community, day)
    day_seconds = time.perf_counter() - started
    roll_up_cohorts(community, day)
    total = time.perf_counter() - started
    return {
        "benchmark": "insights_roll_up_one_day",
        "day": day.isoformat(),
        "day_seconds": round(day_seconds, 2),
        "cohorts_seconds": round(total - day_seconds, 2),
        "seconds": round(total, 2),
        "target": f"under {ROLL_UP_SECONDS} s",
        "met": total < ROLL_UP_SECONDS,
    }


async def _drive(site, email: str, paths: dict[str, list[str]], members_shown: int) -> dict:
    # The site's URLs load models: imported once Django is set up (the runner reads this
    # module's dataset settings before that).
    from tests.bench.floor_urls import FLOOR_PATH

    member = await sign_in(site, email, PASSWORD)
    try:
        page = await member.get(paths["insights_30"][0])
        shown = re.search(r"<dt>Members</dt>\s*<dd><strong>(\d+)</strong>", page.text)
        if page.status_code != 200 or not shown or int(shown.group(1)) != members_shown:
            raise RuntimeError(
                f"the Insights page does not show {members_shown} members: it answered "
                f"{page.status_code} showing {shown.group(1) if shown else 'no figure'}"
            )
        # A list of one path is seen again and again; a longer one holds a path per
        # request, and its last warms up.
        for path in [*(each[-1] for each in paths.values()), FLOOR_PATH]:
            for _ in range(WARM_UP):
                await member.get(path)
        results = {}
        for name, each in paths.items():
            results[name] = await measure_in_turns(
                member,
                lambda number, request, each=each: each[request % max(1, len(each) - 1)],
                FLOOR_PATH,
                REQUESTS,
            )
        return results
    finally:
        await member.client.aclose()


def run() -> list[dict]:
    from communities.models import Community
    from feeds.insights.models import CommunityDay, MemberDay, PostDay

    if connection.vendor != "postgresql":
        return [{"benchmark": "insights_page", "skipped": "needs PostgreSQL: set DATABASE_URL"}]
    started = time.perf_counter()
    community = Community.objects.get(slug="bulk-0")
    owner = community.owner
    last = CommunityDay.objects.filter(community=community).aggregate(last=Max("day"))["last"]
    size = {
        "members": MEMBERS,
        "posts": POSTS,
        "history_days": HISTORY_DAYS,
        "summary_rows": {
            "member_days": MemberDay.objects.filter(community=community).count(),
            "post_days": PostDay.objects.filter(community=community).count(),
        },
    }
    roll_up = _timed_roll_up(community, last)
    queries = {days: _queries(owner, _custom(community, last, days)) for days in (7, 30, 90)}
    if len(set(queries.values())) != 1:
        raise RuntimeError(f"the Insights page's queries depend on the period: {queries}")
    members_shown = CommunityDay.objects.get(community=community, day=last).members
    paths = {f"insights_{days}": [_custom(community, last, days)] for days in (30, 90)}
    paths["insights_30_first_view"] = [
        _custom(community, last - timedelta(days=back), 30) for back in range(REQUESTS + 1)
    ]
    database = os.environ["DATABASE_URL"]
    # This process's own connections would be counted against the server's budget.
    connections.close_all()
    connection.close_pool()
    with (
        tempfile.TemporaryDirectory(prefix="sosoon-bench-insights-") as workdir,
        serve(
            os.environ,
            database_url=database,
            redis_url=settings.REDIS_URL,
            workdir=Path(workdir),
            pool_max=POOL_MAX,
            settings_module="tests.bench.production_settings",
        ) as site,
    ):
        measured = asyncio.run(_drive(site, owner.email, paths, members_shown))
    results = [{**roll_up, **size}]
    for name, (page, floor) in measured.items():
        ratio = round(page["p50_ms"] / floor["p50_ms"], 2)
        results.append(
            {
                "benchmark": f"{name}_days",
                **size,
                **page,
                **{f"floor_{key}": value for key, value in floor.items()},
                "ratio_p50": ratio,
                "queries_7_30_90_days": list(queries.values()),
                "target": f"p50 at most {PAGE_RATIO}x the bare view's, queries constant",
                "met": ratio <= PAGE_RATIO and page["errors"] == 0,
                "total_seconds": round(time.perf_counter() - started, 1),
            }
        )
    return results
