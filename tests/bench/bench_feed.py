"""The home feed at 1,000,000 posts against itself at 10,000 posts, and against a floor.

On PostgreSQL only (the production database): seed_bulk's people and communities get 10,000
posts, the home page is timed for one member in both orders (Latest, Top); then 990,000 more
posts are added and it is timed again. The floor is measured in the same run, the same way
(in-process django.test.Client through the whole middleware stack, as bench_home does): one
hand-written SQL query fetching the very same 20 posts with author, community, counts and the
viewer's reactions, rendered with a minimal template. Requests alternate between page and
floor so drift falls on both alike.

Targets (the issue's): median at 1M within 1.5x the median at 10k, and within 3x the floor.
Sizes scale with SOSOON_BENCH_FEED_POSTS (default 1000000) for quick local runs.

The top bar's unread-notification badge is left out of both (its context processor is
removed): it is communities' query, not the feed's, and is reported on separately.
"""

import os
import random
import re
import statistics
import sys
import time

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.test import Client, override_settings
from django.urls import path

from feeds.bulk_seed import seed_people, seed_posts
from sosoon_site import urls as site_urls
from sosoon_site.accounts.models import User

SMALL = 10_000
LARGE = int(os.environ.get("SOSOON_BENCH_FEED_POSTS", "1000000"))
REQUESTS = 60
WARM_UP = 10
FLOOR = "/bench/feed-floor"

FLOOR_SQL = """
SELECT p.id, p.body_html, p.created, p.audience, u.display_name, u.handle, c.name, c.slug,
  (SELECT count(*) FROM feeds_comment k WHERE k.post_id = p.id AND k.deleted IS NULL),
  (SELECT count(*) FROM feeds_reaction r WHERE r.post_id = p.id),
  ARRAY(SELECT r.emoji FROM feeds_reaction r WHERE r.post_id = p.id AND r.user_id = %s)
FROM feeds_post p
JOIN accounts_user u ON u.id = p.author_id
JOIN communities_community c ON c.id = p.community_id
WHERE p.id = ANY(%s)
"""
FLOOR_TEMPLATE = engines["django"].from_string(
    '<!DOCTYPE html><title>Home</title>{% for p in rows %}<article id="post-{{ p.0 }}">'
    "<b>{{ p.4 }}</b> @{{ p.5 }} in {{ p.6 }} {{ p.2 }}{{ p.1|safe }} {{ p.8 }} comments "
    "{{ p.9 }} reactions {{ p.10 }}</article>{% endfor %}"
)


class Floor:
    """Fetches and renders the ids the last measured page showed, with one query."""

    ids: list[int] = []

    def __call__(self, request):
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, [request.user.pk, self.ids])
            rows = cursor.fetchall()
        order = {pk: n for n, pk in enumerate(self.ids)}
        rows.sort(key=lambda row: order[row[0]])
        return HttpResponse(FLOOR_TEMPLATE.render({"rows": rows}, request))


floor = Floor()
urlpatterns = [*site_urls.urlpatterns, path(FLOOR.lstrip("/"), floor)]


def milliseconds(client: Client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}, not 200")
    return elapsed * 1000


def measure(client: Client, order: str) -> dict:
    """Median of the home page in `order` and of the floor showing the same posts."""
    url = f"/?order={order}"
    page = client.get(url)
    floor.ids = [int(pk) for pk in re.findall(r'id="post-(\d+)"', page.text)]
    if len(floor.ids) != 20:
        raise RuntimeError(f"the home feed shows {len(floor.ids)} posts, not 20")
    for _ in range(WARM_UP):
        milliseconds(client, url)
        milliseconds(client, FLOOR)
    page_ms, floor_ms = [], []
    for turn in range(REQUESTS):
        pair = [(page_ms, url), (floor_ms, FLOOR)]
        for samples, target in pair if turn % 2 else reversed(pair):
            samples.append(milliseconds(client, target))
    return {"median_ms": statistics.median(page_ms), "floor_median_ms": statistics.median(floor_ms)}


def without_badge() -> list[dict]:
    templates = [dict(engine, OPTIONS=dict(engine["OPTIONS"])) for engine in settings.TEMPLATES]
    processors = templates[0]["OPTIONS"]["context_processors"]
    templates[0]["OPTIONS"]["context_processors"] = [
        name
        for name in processors
        if name != "communities.notifications.context_processors.notifications"
    ]
    return templates


def analyze() -> None:
    """Vacuum and refresh the planner's statistics on every table, as autovacuum would have by
    the time a real site serves its freshly added people and posts: bulk seeding outruns it.
    Without statistics the planner believes the user table holds a hundred rows and joins
    authors by a scan per post row, in the page and the floor alike; without the vacuum's
    visibility map no index-only scan can skip the table."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def viewer() -> User:
    """A bulk member in as many communities as most (seed_bulk gives each five)."""
    return User.objects.filter(handle="bulk_7").get()


def run() -> list[dict]:
    if connection.vendor != "postgresql":
        return [{"benchmark": "home_feed", "skipped": "needs PostgreSQL: set DATABASE_URL"}]
    rng = random.Random(4)
    started = time.perf_counter()
    world = seed_people(members=2_000, communities=50, per_member=5, rng=rng)
    seed_posts(world, posts=SMALL, days=365, comments_per_post=0.5, reactions_per_post=1.5, rng=rng)
    analyze()
    client = Client()
    client.force_login(viewer())
    results = {}
    with override_settings(ROOT_URLCONF=__name__, TEMPLATES=without_badge()):
        for order in ("latest", "top"):
            results[(order, SMALL)] = measure(client, order)
        print(f"seeding {LARGE - SMALL:,} more posts", file=sys.stderr)
        seeded = time.perf_counter()
        seed_posts(
            world,
            posts=LARGE - SMALL,
            days=365,
            comments_per_post=0.5,
            reactions_per_post=1.5,
            rng=rng,
            progress=lambda done: print(f"  {done:,}", file=sys.stderr),
        )
        analyze()
        seed_seconds = time.perf_counter() - seeded
        for order in ("latest", "top"):
            results[(order, LARGE)] = measure(client, order)
    report = []
    for order in ("latest", "top"):
        small, large = results[(order, SMALL)], results[(order, LARGE)]
        report.append(
            {
                "benchmark": f"home_feed_{order}",
                # In-process (django.test.Client): bench_pages measures through daphne.
                "diagnostic": True,
                "posts": LARGE,
                "requests": REQUESTS,
                "median_ms_10k": round(small["median_ms"], 3),
                "median_ms_large": round(large["median_ms"], 3),
                "floor_median_ms_large": round(large["floor_median_ms"], 3),
                "ratio_large_vs_10k": round(large["median_ms"] / small["median_ms"], 2),
                "ratio_vs_floor": round(large["median_ms"] / large["floor_median_ms"], 2),
                "seed_seconds": round(seed_seconds, 1),
                "total_seconds": round(time.perf_counter() - started, 1),
            }
        )
    return report
