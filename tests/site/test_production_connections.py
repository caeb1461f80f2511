"""A production daphne on PostgreSQL holds no more connections than its pool, whatever the load.

Under ASGI every request runs in a thread of its own. With a connection kept per thread, 40
page views left 41 PostgreSQL sessions open and about 100 exhausted the server (every request
then answered 500). Here 16 members signed in through the login form read 2,000 pages
(home feed in both orders, a community's feed, a post) side by side from a real daphne in the
production profile, while this process counts the daphne's sessions in pg_stat_activity:
never more than the pool, no 5xx, every page 200. The load stops at the first count over the
bound, so a regression fails fast instead of exhausting a shared server.
"""

import asyncio
import itertools
import os
import re
import time

import pytest
from django.conf import settings

from sosoon_site.accounts.demo import DEMO_PASSWORD, DEMO_PEOPLE
from tests.production_server import Member, SessionCounter, production_site, sign_in

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

POOL_MAX = 8
CLIENTS = 16
PAGE_VIEWS = 2_000
POST_LINK = re.compile(r'href="(/p/\d+/)"')
COMMUNITY_FEED_LINK = re.compile(r'href="(/c/[\w-]+/posts/)"')


def pages_of(home: str) -> list[str] | None:
    """What a member reads: the home feed in both orders, a community's feed, a post; None
    when their home feed shows no post (a demo person in no community)."""
    community, posts = COMMUNITY_FEED_LINK.search(home), POST_LINK.findall(home)
    if not (community and posts):
        return None
    # The oldest post on the page: the demo's newest posts are events, whose post address
    # sends members on to the event's own page (a redirect, not the post page measured here).
    return ["/?order=latest", "/?order=top", community.group(1), posts[-1]]


async def readers(site) -> list[tuple[Member, list[str]]]:
    """CLIENTS sessions signed in through the login form, taking the demo members in turn
    (several sessions each), with the pages each reads."""
    people = [email for email, _, _, superuser in DEMO_PEOPLE if not superuser]
    found: list[tuple[Member, list[str]]] = []
    for email in itertools.cycle(people):
        if len(found) == CLIENTS or not people:
            break
        if email not in people:
            continue
        member = await sign_in(site, email, DEMO_PASSWORD)
        paths = pages_of((await member.get("/")).text)
        if paths is None:
            people.remove(email)
            await member.client.aclose()
        else:
            found.append((member, paths))
    assert len(found) == CLIENTS, "no demo member's home feed shows a post"
    return found


async def read_pages(
    readers: list[tuple[Member, list[str]]], counter: SessionCounter
) -> dict[str, list[int]]:
    """PAGE_VIEWS page views shared by the readers, each reading in its own task; the status
    of every view, by kind of page."""
    tickets = iter(range(PAGE_VIEWS))
    statuses: dict[str, list[int]] = {}

    async def browse(member: Member, paths: list[str]) -> None:
        for path in itertools.cycle(paths):
            if counter.over.is_set() or next(tickets, None) is None:
                return
            response = await member.get(path)
            kind = "home" if path.startswith("/?") else path.split("/")[1]
            statuses.setdefault(kind, []).append(response.status_code)

    await asyncio.gather(*(browse(member, paths) for member, paths in readers))
    return statuses


def test_a_production_daphne_serves_2000_signed_in_views_within_its_pool(tmp_path):
    with production_site(
        os.environ,
        configured_url=os.environ["DATABASE_URL"],
        redis_url=settings.REDIS_URL,
        workdir=tmp_path,
        suffix="pool",
        pool_max=POOL_MAX,
    ) as site:

        async def run():
            signed_in = await readers(site)
            try:
                return await read_pages(signed_in, counter)
            finally:
                for member, _ in signed_in:
                    await member.client.aclose()

        with SessionCounter(site.database_url, bound=POOL_MAX) as counter:
            started = time.monotonic()
            statuses = asyncio.run(run())
            seconds = time.monotonic() - started
        settled = []
        for _ in range(3):
            time.sleep(1)
            settled.append(counter.count())
        counter.close()
        log = site.output()

    views = sum(len(codes) for codes in statuses.values())
    peak = max(counter.samples)
    assert peak <= POOL_MAX, f"{peak} PostgreSQL sessions with a pool of {POOL_MAX}"
    assert max(settled) <= POOL_MAX, f"{settled} sessions after the run"
    assert views == PAGE_VIEWS, f"{views} views in {seconds:.0f} s"
    failed = {kind: sorted(set(codes) - {200}) for kind, codes in statuses.items()}
    assert not any(failed.values()), f"pages answered {failed}; daphne said:\n{log[-3000:]}"
    assert set(statuses) == {"home", "c", "p"}
