"""The batched reverse form (`audience_sizes`) counts, for every post of a mixed world, the
same people as `audience_of(post)`: every audience, tiers, circles with people who left or
were banned, teasers on and off, held and reported posts, blocks, a release ladder, and a
second community with people of its own."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.models import MembershipStatus
from communities.moderation.models import Report, ReportReason, WithheldContent, WithholdState
from feeds.models import Audience, CircleMember, Post
from feeds.policy import POST_LABEL, audience_of, audience_sizes
from feeds.releases.models import ReleaseStep
from feeds.services.circles import close_friends_of
from sosoon_site.accounts.blocks import do_block
from tests.factories import add_member


@pytest.fixture
def mixed_world(
    community,
    community_factory,
    user_factory,
    post_factory,
    author,
    close_friends,
    moderator,
    admin,
    insider,
    outsider,
):
    """The posts of the mixed world, each kind of audience and reader among them."""
    insider_tier = community.tiers.get(name="Insider")
    friend = add_member(community, user_factory(handle="friend")).user
    left = add_member(community, user_factory(handle="left"), status=MembershipStatus.LEFT).user
    banned = add_member(
        community, user_factory(handle="banned"), status=MembershipStatus.BANNED
    ).user
    blocker = add_member(community, user_factory(handle="blocker"), tier=insider_tier).user
    for person in (friend, left, banned, blocker, outsider):
        CircleMember.objects.create(circle=close_friends, user=person)
    do_block(blocker, author)
    # A second author whom nobody blocks, with a circle of their own.
    other = add_member(community, user_factory(handle="other"), tier=insider_tier).user
    CircleMember.objects.create(circle=close_friends_of(other), user=friend)
    do_block(other, moderator)
    community.allow_public_teasers = True
    community.save()
    elsewhere = community_factory(owner=user_factory(handle="elsewhere_owner"), slug="beer")
    add_member(elsewhere, author)
    add_member(elsewhere, user_factory(handle="beer_member"))

    posts = []
    for writer in (author, other, admin, left):
        posts += [
            post_factory(author=writer, audience=Audience.COMMUNITY),
            post_factory(author=writer, audience=Audience.TIER, min_tier=insider_tier),
            post_factory(author=writer, audience=Audience.PUBLIC),
        ]
    posts += [
        post_factory(audience=Audience.CIRCLE, circle=close_friends),
        post_factory(audience=Audience.CIRCLE, circle=close_friends),
        post_factory(author=other, audience=Audience.CIRCLE, circle=close_friends_of(other)),
        post_factory(author=author, community=elsewhere, audience=Audience.COMMUNITY),
        post_factory(author=author, community=elsewhere, audience=Audience.PUBLIC),
    ]
    held, hidden, reported = posts[-5], posts[0], posts[4]
    for post, state in ((held, WithholdState.HELD), (hidden, WithholdState.HIDDEN)):
        WithheldContent.objects.create(
            community=post.community,
            target_label=POST_LABEL,
            target_id=post.pk,
            author=post.author,
            state=state,
            reason="Held for the test",
        )
    Report.objects.create(
        reporter=insider,
        community=community,
        target_label=POST_LABEL,
        target_id=reported.pk,
        reason=ReportReason.SPAM,
    )
    # A tier post whose ladder opened it to the whole community an hour ago.
    laddered = post_factory(audience=Audience.TIER, min_tier=insider_tier)
    Post.objects.filter(pk=laddered.pk).update(staged=True)
    ReleaseStep.objects.create(
        post=laddered, at=timezone.now() - timedelta(hours=1), audience=Audience.COMMUNITY
    )
    return Post.objects.filter(pk__in=[post.pk for post in posts] + [laddered.pk])


def test_batched_sizes_equal_each_posts_audience(mixed_world):
    expected = {
        post.pk: audience_of(post).count() for post in mixed_world.select_related("community")
    }

    with CaptureQueriesContext(connection) as captured:
        sizes = audience_sizes(mixed_world)

    assert sizes == expected
    assert len(captured) == 2
    # The world tells the kinds apart: the counts are not all alike.
    assert len(set(expected.values())) >= 5


def test_the_batched_form_reads_the_ladder_at_the_time_asked(
    community, post_factory, insider, member
):
    insider_tier = community.tiers.get(name="Insider")
    post = post_factory(audience=Audience.TIER, min_tier=insider_tier)
    Post.objects.filter(pk=post.pk).update(staged=True)
    opens = timezone.now() + timedelta(hours=1)
    ReleaseStep.objects.create(post=post, at=opens, audience=Audience.COMMUNITY)
    post.refresh_from_db()
    posts = Post.objects.filter(pk=post.pk)

    now = audience_sizes(posts)[post.pk]
    later = audience_sizes(posts, now=opens)[post.pk]

    assert now == audience_of(post).count()
    assert later == audience_of(post, now=opens).count() > now
