"""Telling people about a new post: the live "N new posts" banner.

Runs after the post is committed, and picks recipients with the policy's reverse form at that
moment, so nobody outside the audience gets even the post's id.
"""

from communities.models import MembershipStatus
from feeds.models import Post
from feeds.policy import audience_of
from sosoon_site.realtime import push_to_users


def feed_recipients(post: Post, *, among: list[int] | None = None) -> list[int]:
    """Who gets the banner: the post's audience among the community's active members (a
    public post's audience is everyone; only members have this community in a feed), of
    `among` only when given (a release step tells just the people it newly reaches)."""
    people = audience_of(post).filter(
        memberships__community=post.community_id, memberships__status=MembershipStatus.ACTIVE
    )
    if among is not None:
        people = people.filter(pk__in=among)
    return list(people.exclude(pk=post.author_id).values_list("pk", flat=True))


def announce_new_post(post: Post, *, among: list[int] | None = None) -> None:
    """Push `feed.new_post` to the audience (of `among` only, when given). Caller runs this
    after commit."""
    frame = {"type": "feed.new_post", "community": post.community.slug, "post": post.pk}
    push_to_users(feed_recipients(post, among=among), frame)
