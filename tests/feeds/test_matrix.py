"""The audience matrix: every audience x every kind of viewer x every surface.

Each case states who may see the post; every surface must agree, so a viewer's "yes" on one
audience is checked next to the "no" of the viewers beside them. The owner and the admin are
in the base tier, and see tier posts all the same (they run the space: the role table's
SEE_EVERY_TIER row); the moderator, in the base tier too, does not. Nobody's role opens a
circle: moderators, admins and the owner follow the members' rules there until a member
reports a post (rule 8): then they see that one post, on every surface, while the report is
open.
"""

import pytest
from django.test import Client
from django.urls import reverse

from communities.models import ReportStatus
from communities.moderation.services.reports import check_file_report
from feeds.feed import community_posts, home_posts
from feeds.live import feed_recipients
from feeds.models import Audience, Comment, Post, Reaction
from feeds.policy import access_post, audience_of
from feeds.services.comments import do_add_comment
from feeds.services.reactions import do_toggle_reaction

VIEWERS = [
    "author",
    "owner",
    "admin",
    "member",
    "insider",
    "close_friend",
    "former_friend",
    "outsider",
    "banned_friend",
    "blocked",
    "moderator",
    "anonymous",
]
STAFF = {"owner", "admin"}
SEES = {
    "community": {"author", "member", "insider", "close_friend", "moderator"} | STAFF,
    "tier": {"author", "insider"} | STAFF,
    "circle": {"author", "close_friend"},
    "public": set(VIEWERS) - {"blocked"},
    "public_teasers_off": {"author"},
}
CASES = [(audience, viewer) for audience in SEES for viewer in VIEWERS]
# The community is unlisted, so its feed and search exist only for active members, and the
# home feed lists only the viewer's own communities: a public post shows there to members only.
ACTIVE_MEMBERS = {"author", "member", "insider", "close_friend", "blocked", "moderator"} | STAFF
MEMBER_SURFACES = {"community_feed", "search", "home_feed", "home_query"}


@pytest.fixture
def world(request, community, owner, png_upload, post_factory, close_friends):
    """Every viewer by name."""
    people = {name: request.getfixturevalue(name) for name in VIEWERS}
    return people


def make_post(audience_case, community, post_factory, close_friends, owner, png_upload):
    from feeds.forms import POST_IMAGE_LIMITS
    from sosoon_site.images import clean_image

    image = clean_image(png_upload(), POST_IMAGE_LIMITS)
    if audience_case == "tier":
        post = post_factory(
            audience=Audience.TIER, min_tier=community.tiers.get(name="Insider"), images=[image]
        )
    elif audience_case == "circle":
        post = post_factory(audience=Audience.CIRCLE, circle=close_friends, images=[image])
    elif audience_case.startswith("public"):
        community.allow_public_teasers = True
        community.save()
        post = post_factory(audience=Audience.PUBLIC, images=[image])
        if audience_case == "public_teasers_off":
            community.allow_public_teasers = False
            community.save()
    else:
        post = post_factory(audience=Audience.COMMUNITY, images=[image])
    do_add_comment(post.author, post, "A note from the author")
    do_toggle_reaction(post.author, post, "heart")
    return post


def client_for(user) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


def surfaces(viewer, post: Post) -> dict[str, bool]:
    """What each surface shows `viewer` of `post`: True where the post (or its parts) appear."""
    client = client_for(viewer)
    found = {}
    found["queryset"] = Post.objects.visible_to(viewer).filter(pk=post.pk).exists()
    try:
        access_post(viewer, post.pk)
        found["access_post"] = True
    except Exception:
        found["access_post"] = False
    found["post_page"] = client.get(post.get_absolute_url()).status_code == 200
    found["image"] = client.get(post.images.get().get_absolute_url()).status_code == 200
    feed = client.get(reverse("feeds:community", kwargs={"slug": post.community.slug}))
    found["community_feed"] = feed.status_code == 200 and f'id="post-{post.pk}"' in feed.text
    search = client.get(
        reverse("feeds:community", kwargs={"slug": post.community.slug}), {"q": "wine"}
    )
    found["search"] = search.status_code == 200 and f'id="post-{post.pk}"' in search.text
    found["search_query"] = (
        community_posts(viewer, post.community, query="wine").filter(pk=post.pk).exists()
    )
    found["comments"] = Comment.objects.visible_to(viewer).filter(post=post).exists()
    found["reactions"] = Reaction.objects.visible_to(viewer).filter(post=post).exists()
    reactions = client.get(reverse("feeds:reactions", kwargs={"post_id": post.pk}))
    found["reaction_list"] = (
        reactions.status_code == 200 and 'data-testid="reaction"' in reactions.text
    )
    if viewer.is_authenticated:
        home = client.get("/")
        found["home_feed"] = f'id="post-{post.pk}"' in home.text
        found["home_query"] = home_posts(viewer).filter(pk=post.pk).exists()
        person = client.get(reverse("feeds:person", kwargs={"handle": post.author.handle}))
        found["person_page"] = f'id="post-{post.pk}"' in person.text
        found["audience_of"] = audience_of(post).filter(pk=viewer.pk).exists()
    return found


@pytest.mark.parametrize(("audience", "viewer_name"), CASES)
def test_every_surface_agrees_with_the_rules(
    audience, viewer_name, world, community, post_factory, close_friends, owner, png_upload
):
    post = make_post(audience, community, post_factory, close_friends, owner, png_upload)
    viewer = world[viewer_name]
    expected = viewer_name in SEES[audience]

    seen = surfaces(viewer, post)

    def expected_on(surface: str) -> bool:
        if surface in MEMBER_SURFACES:
            return expected and viewer_name in ACTIVE_MEMBERS
        return expected

    wrong = {surface: shown for surface, shown in seen.items() if shown != expected_on(surface)}
    assert not wrong, f"{viewer_name} on a {audience} post (expected {expected})"


def test_outsiders_see_public_teasers_in_a_listed_community_feed(
    community, post_factory, outsider, anonymous
):
    community.discoverability = "listed"
    community.allow_public_teasers = True
    community.save()
    teaser = post_factory(audience=Audience.PUBLIC, body="Release day is Friday")
    members_only = post_factory(audience=Audience.COMMUNITY, body="Insider price list")

    for viewer in (outsider, anonymous):
        page = client_for(viewer).get(reverse("feeds:community", kwargs={"slug": "wine"}))
        assert f'id="post-{teaser.pk}"' in page.text
        assert f'id="post-{members_only.pk}"' not in page.text


@pytest.mark.parametrize("audience", ["community", "tier", "circle", "public"])
def test_the_live_banner_reaches_the_audience_members_but_the_author(
    audience, world, community, post_factory, close_friends, owner, png_upload
):
    post = make_post(audience, community, post_factory, close_friends, owner, png_upload)

    recipients = set(feed_recipients(post))

    members_who_see = {world[name].pk for name in (SEES[audience] & ACTIVE_MEMBERS) - {"author"}}
    assert recipients == members_who_see


@pytest.mark.parametrize(
    ("audience", "viewer_name"),
    [("circle", "moderator"), ("circle", "admin"), ("circle", "owner"), ("tier", "moderator")],
)
def test_moderators_and_the_owner_see_a_post_hidden_from_them_only_while_it_is_reported(
    audience,
    viewer_name,
    world,
    request,
    community,
    post_factory,
    close_friends,
    owner,
    png_upload,
):
    """Rule 8: before a report, nothing; after a member reports it, that post on every
    surface (and never another post of the same circle or tier); once the report is closed,
    nothing again."""
    viewer = request.getfixturevalue(viewer_name)
    post = make_post(audience, community, post_factory, close_friends, owner, png_upload)
    sibling = make_post(audience, community, post_factory, close_friends, owner, png_upload)
    reporter = world["close_friend"] if audience == "circle" else world["insider"]

    before = surfaces(viewer, post)
    assert not any(before.values()), before

    report = check_file_report(reporter, label="post", target_id=post.pk, reason="harassment")
    after = surfaces(viewer, post)
    assert all(after.values()), after
    assert not any(surfaces(viewer, sibling).values())
    # Everyone else is where they were: a report widens the post for moderators alone.
    assert not surfaces(world["member"], post)["access_post"]

    report.status = ReportStatus.DISMISSED
    report.save()
    assert not any(surfaces(viewer, post).values())
