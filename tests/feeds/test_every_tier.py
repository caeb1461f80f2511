"""The owner and admins see every tier of their community (they run it); moderators see what
their own tier allows; nobody's role opens someone else's circle.

The owner, the admin, the moderator and the member here are all in the base tier; the post is
for Insiders, with a comment and a reaction by an insider and a mention of the viewer."""

import re

import pytest
from django.urls import reverse

from communities.models import Membership
from communities.notifications.models import Notification
from communities.services.members import do_change_role
from communities.services.tiers import do_delete_tier
from feeds.models import Audience, Post
from feeds.services.comments import do_add_comment
from feeds.services.reactions import do_toggle_reaction
from tests.feeds.test_revocation import every_surface


@pytest.fixture
def insider_post(community, post_factory, insider):
    def make(viewer):
        post = post_factory(
            audience=Audience.TIER,
            min_tier=community.tiers.get(name="Insider"),
            body=f"Insider secret: the spring allocation, @{viewer.handle}",
        )
        do_add_comment(insider, post, "Count me in")
        do_toggle_reaction(insider, post, "heart")
        return post

    return make


def comment_count_on_the_card(client, post) -> str | None:
    page = client.get(reverse("feeds:community", kwargs={"slug": "wine"})).text
    card = page.split(f'id="post-{post.pk}"', 1)
    if len(card) == 1:
        return None
    return re.search(r'data-testid="comment-count">([^<]*)<', card[1]).group(1)


@pytest.mark.parametrize(
    ("viewer_name", "sees"),
    [("owner", True), ("admin", True), ("moderator", False), ("member", False)],
)
def test_the_owner_and_admins_see_tier_posts_everywhere_moderators_and_members_do_not(
    client, request, insider_post, viewer_name, sees
):
    viewer = request.getfixturevalue(viewer_name)
    post = insider_post(viewer)

    seen = every_surface(client, viewer, post)

    assert seen == dict.fromkeys(seen, sees)
    assert comment_count_on_the_card(client, post) == ("1 comment" if sees else None)
    mentioned = Notification.objects.filter(recipient=viewer, kind="mention").exists()
    assert mentioned is sees
    if not sees:
        assert client.get(post.get_absolute_url()).status_code == 404


def test_an_admin_made_a_member_loses_tier_posts_at_once(client, community, admin, insider_post):
    post = insider_post(admin)
    assert every_surface(client, admin, post)["post_page"]

    do_change_role(Membership.objects.get(user=admin, community=community), "member")

    assert not any(every_surface(client, admin, post).values())


def test_the_owner_never_sees_someone_elses_circle_post(
    client, owner, admin, post_factory, close_friends, close_friend
):
    post = post_factory(audience=Audience.CIRCLE, circle=close_friends, body="secret @owner")
    for viewer in (owner, admin):
        assert not any(every_surface(client, viewer, post).values())
        assert client.get(post.get_absolute_url()).status_code == 404
    assert every_surface(client, close_friend, post)["post_page"]


def test_a_post_whose_tier_was_deleted_stays_the_authors_alone(
    community, owner, author, insider_post
):
    post = insider_post(owner)
    do_delete_tier(community.tiers.get(name="Insider"))

    assert list(Post.objects.visible_to(owner).filter(pk=post.pk)) == []
    assert list(Post.objects.visible_to(author).filter(pk=post.pk)) == [post]
