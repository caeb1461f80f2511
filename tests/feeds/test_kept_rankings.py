"""Top's ranking kept for a minute (feeds/kept_rankings.py): the next page and a reload read it
instead of ranking again, while the audience policy still decides at read time and what the
viewer does themself shows at once."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.moderation.services.actions import check_hide_content
from feeds import kept_rankings
from feeds.feed import KEPT_SPARES, TOP, TOP_WINDOW, feed_page, home_source
from feeds.models import Audience, Post
from feeds.services.posts import do_create_post
from feeds.services.reactions import do_toggle_reaction
from sosoon_site.accounts.blocks import do_block


@pytest.fixture(autouse=True)
def kept_for_a_minute(settings):
    settings.SOSOON_TOP_RANKING_SECONDS = 60


def ids(page) -> list[int]:
    return [post.pk for post in page.posts]


def top(viewer, cursor: str = ""):
    """The viewer's Top page, and whether it was ranked afresh (the window's query ran)."""
    with CaptureQueriesContext(connection) as queries:
        page = feed_page(home_source(), viewer, order=TOP, cursor=cursor)
    ranked = any(f"LIMIT {TOP_WINDOW}" in query["sql"] for query in queries)
    return page, ranked


@pytest.fixture
def ranked_feed(member, author, post_factory):
    """Eight posts of different ages and engagement, ranked once for `member`."""
    now = timezone.now()
    posts = [post_factory(body=f"post {n}") for n in range(8)]
    for hours, post in enumerate(posts):
        Post.objects.filter(pk=post.pk).update(created=now - timedelta(hours=hours))
    for post in posts[3:6]:
        do_toggle_reaction(author, post, "heart")
    return posts


def test_a_reload_and_the_next_page_read_the_kept_ranking(member, ranked_feed, settings):
    settings.SOSOON_FEED_PAGE_SIZE = 3
    first, ranked = top(member)
    assert ranked
    again, ranked_again = top(member)
    assert not ranked_again and ids(again) == ids(first)
    seen, cursor = ids(first), first.next_cursor
    while cursor:
        page, ranked = top(member, cursor)
        assert not ranked
        seen += ids(page)
        cursor = page.next_cursor
    assert sorted(seen) == sorted(post.pk for post in ranked_feed)

    assert ids(top_fresh(member, settings)) == ids(first)


def test_a_post_the_viewer_may_no_longer_see_leaves_the_kept_page_at_once(
    member, moderator, community, ranked_feed, author, settings
):
    settings.SOSOON_FEED_PAGE_SIZE = 4
    first, _ = top(member)
    narrowed, hidden = ids(first)[:2]
    Post.objects.filter(pk=narrowed).update(
        audience=Audience.TIER, min_tier=community.tiers.get(name="Insider")
    )
    check_hide_content(moderator, "post", hidden, reason="Off topic")
    page, ranked = top(member)
    assert not ranked
    assert ids(page)[:2] == ids(first)[2:] and ids(page) == ids(top_fresh(member, settings))
    assert narrowed not in ids(page) and hidden not in ids(page)

    do_block(author, member)
    page, ranked = top(member)
    assert not ranked and ids(page) == []


def top_fresh(viewer, settings):
    """The viewer's Top page ranked afresh, the kept ranking left as it is."""
    seconds, settings.SOSOON_TOP_RANKING_SECONDS = settings.SOSOON_TOP_RANKING_SECONDS, 0
    try:
        return feed_page(home_source(), viewer, order=TOP)
    finally:
        settings.SOSOON_TOP_RANKING_SECONDS = seconds


def test_nobody_reads_another_persons_kept_ranking(member, insider, community, post_factory):
    for_insiders = post_factory(
        body="insiders only", audience=Audience.TIER, min_tier=community.tiers.get(name="Insider")
    )
    open_post = post_factory(body="for everyone")
    insiders_page, _ = top(insider)
    assert for_insiders.pk in ids(insiders_page)
    members_page, ranked = top(member)
    assert ranked and ids(members_page) == [open_post.pk]


def test_what_the_viewer_does_shows_in_their_top_at_once(member, community, ranked_feed):
    top(member)
    mine = do_create_post(member, community, body="my own news", audience="community")
    page, ranked = top(member)
    assert ranked and mine.pk in ids(page)

    quiet = ranked_feed[-1]
    before = ids(page).index(quiet.pk)
    for emoji in ("heart", "clap", "wow"):
        do_toggle_reaction(member, quiet, emoji)
    page, ranked = top(member)
    assert ranked and ids(page).index(quiet.pk) < before


def test_another_persons_new_post_waits_for_the_minute_at_most(
    member, author, community, ranked_feed, monkeypatch
):
    top(member)
    news = do_create_post(author, community, body="fresh news", audience="community")
    page, ranked = top(member)
    assert not ranked and news.pk not in ids(page)
    later = kept_rankings.time.time() + 61
    monkeypatch.setattr(kept_rankings.time, "time", lambda: later)
    page, ranked = top(member)
    assert ranked and news.pk in ids(page)


def test_a_page_the_policy_mostly_refused_is_ranked_afresh(
    member, community, post_factory, settings
):
    """More of the page's candidates refused than the spares cover: the ranking is made again
    from what the viewer may see now, and the page is full."""
    settings.SOSOON_FEED_PAGE_SIZE = 2
    posts = [post_factory(body=f"post {n}") for n in range(2 + KEPT_SPARES + 4)]
    top(member)
    refused = [post.pk for post in posts[2:]]
    Post.objects.filter(pk__in=refused).update(
        audience=Audience.TIER, min_tier=community.tiers.get(name="Insider")
    )
    page, ranked = top(member)
    assert ranked and sorted(ids(page)) == sorted(post.pk for post in posts[:2])
