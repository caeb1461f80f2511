"""Losing access applies to every past post on every surface at once: removal from a circle,
a lower tier, leaving or a ban, a block. Nothing was copied when the posts were written."""

import pytest

from communities.models import MembershipStatus
from communities.notifications.services import unread_count
from feeds.models import Audience, CircleMember, Comment, Post, Reaction
from feeds.services.comments import do_add_comment
from feeds.services.reactions import do_toggle_reaction
from sosoon_site.accounts.blocks import do_block


def every_surface(client, viewer, post) -> dict[str, bool]:
    client.force_login(viewer)
    return {
        "queryset": Post.objects.visible_to(viewer).filter(pk=post.pk).exists(),
        "post_page": client.get(post.get_absolute_url()).status_code == 200,
        "home": f'id="post-{post.pk}"' in client.get("/").text,
        "community_feed": f'id="post-{post.pk}"' in client.get("/c/wine/posts/").text,
        "search": f'id="post-{post.pk}"' in client.get("/c/wine/posts/", {"q": "secret"}).text,
        "comments": Comment.objects.visible_to(viewer).filter(post=post).exists(),
        "reactions": Reaction.objects.visible_to(viewer).filter(post=post).exists(),
        "notifications": unread_count(viewer) > 0,
    }


def revoke_circle(community, viewer, circle):
    CircleMember.objects.filter(circle=circle, user=viewer).delete()


def revoke_tier(community, viewer, circle):
    membership = community.memberships.get(user=viewer)
    membership.tier = community.tiers.get(rank=0)
    membership.save()


def revoke_leave(community, viewer, circle):
    community.memberships.filter(user=viewer).update(status=MembershipStatus.LEFT)


def revoke_ban(community, viewer, circle):
    community.memberships.filter(user=viewer).update(status=MembershipStatus.BANNED)


@pytest.mark.parametrize(
    ("audience", "revoke"),
    [
        ("circle", revoke_circle),
        ("tier", revoke_tier),
        ("community", revoke_leave),
        ("community", revoke_ban),
        ("circle", revoke_ban),
    ],
)
def test_losing_access_hides_past_posts_everywhere(
    client, audience, revoke, community, author, close_friends, post_factory, insider
):
    CircleMember.objects.create(circle=close_friends, user=insider)
    fields = {
        "circle": {"audience": Audience.CIRCLE, "circle": close_friends},
        "tier": {"audience": Audience.TIER, "min_tier": community.tiers.get(name="Insider")},
        "community": {"audience": Audience.COMMUNITY},
    }[audience]
    post = post_factory(body=f"secret @{insider.handle}", **fields)
    do_add_comment(author, post, "more")
    do_toggle_reaction(author, post, "heart")
    assert all(every_surface(client, insider, post).values())

    revoke(community, insider, close_friends)

    assert not any(every_surface(client, insider, post).values())


def test_a_block_hides_past_posts_comments_and_reactions_both_ways(
    client, author, member, post_factory
):
    theirs = post_factory(body="secret from the author")
    mine = post_factory(body="secret from the member", author=member)
    do_add_comment(member, theirs, "a comment by the member")
    do_toggle_reaction(member, theirs, "heart")
    assert every_surface(client, member, theirs)["post_page"]

    do_block(author, member)

    assert not any(every_surface(client, member, theirs).values())
    assert not any(every_surface(client, author, mine).values())
    client.force_login(author)
    page = client.get(theirs.get_absolute_url())
    assert "a comment by the member" not in page.text
    assert not Reaction.objects.visible_to(author).filter(user=member).exists()
    assert page.context["post"].reaction_total == 0


def test_changing_the_audience_applies_at_once(client, member, post_factory, close_friends):
    post = post_factory(body="secret")
    assert every_surface(client, member, post)["queryset"]
    post.audience = Audience.CIRCLE
    post.circle = close_friends
    post.save()
    assert not any(every_surface(client, member, post).values())
