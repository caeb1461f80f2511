"""Random worlds against a plain-Python model of the audience rules.

Hypothesis builds communities (teasers on or off, owned by one of the people or by someone
else), tiers, memberships of every status and of member, moderator or admin role, circles,
blocks, posts of every audience (some on a release ladder whose steps are past or still to
come, some held or hidden by moderation, some reported, with the report open or already
closed) and comments and reactions; every surface's query must then
return exactly what the model says, for every person and a signed-out visitor.
"""

from dataclasses import dataclass, replace
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from communities.models import Membership, Report, Tier, WithheldContent
from feeds.feed import (
    LATEST,
    TOP,
    community_posts,
    community_source,
    feed_page,
    home_posts,
    home_source,
)
from feeds.live import feed_recipients
from feeds.models import Audience, Circle, CircleMember, Comment, Post, Reaction, ReleaseStep
from feeds.policy import access_post, audience_of
from sosoon_site.accounts.models import Block
from tests.factories import UserFactory, create_community

PEOPLE = 5
COMMUNITIES = 2
TIERS = 2  # ranks 0 and 1 in each community
STATUSES = ["active", "banned", "left"]
ROLES = ["member", "moderator", "admin"]
MODERATES = {"owner", "admin", "moderator"}  # the role table's MODERATE row
SEES_EVERY_TIER = {"owner", "admin"}  # its SEE_EVERY_TIER row


@dataclass(frozen=True)
class PostSpec:
    community: int
    author: int
    audience: str
    rank: int
    circle_people: frozenset
    commenter: int
    reactor: int
    withheld: str  # "", "held" or "hidden"
    report: str  # "", "open" or "dismissed"
    # Release ladder candidates: (already reached?, audience, rank); see `ladder_of`.
    ladder: tuple = ()


memberships = st.dictionaries(
    st.tuples(st.integers(0, PEOPLE - 1), st.integers(0, COMMUNITIES - 1)),
    st.tuples(st.sampled_from(STATUSES), st.integers(0, TIERS - 1), st.sampled_from(ROLES)),
)
blocks = st.sets(
    st.tuples(st.integers(0, PEOPLE - 1), st.integers(0, PEOPLE - 1)).filter(
        lambda p: p[0] != p[1]
    ),
    max_size=3,
)
posts = st.lists(
    st.builds(
        PostSpec,
        community=st.integers(0, COMMUNITIES - 1),
        author=st.integers(0, PEOPLE - 1),
        audience=st.sampled_from(Audience.values),
        rank=st.integers(0, TIERS - 1),
        circle_people=st.frozensets(st.integers(0, PEOPLE - 1), max_size=3),
        commenter=st.integers(0, PEOPLE - 1),
        reactor=st.integers(0, PEOPLE - 1),
        withheld=st.sampled_from(["", "", "held", "hidden"]),
        report=st.sampled_from(["", "", "open", "dismissed"]),
        ladder=st.lists(
            st.tuples(
                st.booleans(),
                st.sampled_from(["tier", "community", "public"]),
                st.integers(0, TIERS - 1),
            ),
            max_size=2,
        ).map(tuple),
    ),
    min_size=1,
    max_size=6,
)
teasers = st.lists(st.booleans(), min_size=COMMUNITIES, max_size=COMMUNITIES)
# Each community's owner: one of the people (their membership's status and tier as drawn), or
# None for someone outside the world.
owners = st.lists(
    st.one_of(st.none(), st.integers(0, PEOPLE - 1)), min_size=COMMUNITIES, max_size=COMMUNITIES
)


def with_owners(mships: dict, owner_of: list) -> dict:
    """The memberships as they stand once each community's owner holds the owner role."""
    result = dict(mships)
    for c, person in enumerate(owner_of):
        if person is not None:
            status, rank, _ = result.get((person, c), ("active", 0, "member"))
            result[(person, c)] = (status, rank, "owner")
    return result


def breadth(audience: str, rank: int) -> tuple[int, int]:
    """How wide a ladder step is: a higher tier is narrower, the base tier is everyone."""
    if audience == "tier":
        return (1, 0) if rank == 0 else (0, -rank)
    return (1, 0) if audience == "community" else (2, 0)


def ladder_of(spec) -> list[tuple[bool, str, int]]:
    """The valid ladder the candidates make: for a tier or community post only, reached steps
    before those to come, each wider than the one before (the rest are dropped)."""
    if spec.audience not in ("tier", "community"):
        return []
    steps, previous = [], (spec.audience, spec.rank)
    for reached, audience, rank in sorted(spec.ladder, key=lambda step: not step[0]):
        if breadth(audience, rank) > breadth(*previous):
            steps.append((reached, audience, rank))
            previous = (audience, rank)
    return steps


def now_spec(spec):
    """`spec` with the audience its ladder has reached now."""
    reached = [(audience, rank) for done, audience, rank in ladder_of(spec) if done]
    if not reached:
        return spec
    audience, rank = reached[-1]
    return replace(spec, audience=audience, rank=rank)


def model_may_see(viewer, spec, world) -> bool:
    """The rules of ARCHITECTURE.md, in Python, as the policy module's docstring reads them."""
    spec = now_spec(spec)
    mships, blocked_pairs, teaser_flags = world
    status, rank, role = mships.get((viewer, spec.community), (None, None, None))
    moderates = status == "active" and role in MODERATES
    if moderates and (spec.withheld or spec.report == "open"):
        return True  # before the moderators, whatever the audience and blocks
    if spec.withheld and viewer != spec.author:
        return False
    if viewer is not None and (
        (viewer, spec.author) in blocked_pairs or (spec.author, viewer) in blocked_pairs
    ):
        return False
    if spec.audience == "public" and teaser_flags[spec.community]:
        return True
    if viewer is None or status != "active":
        return False
    if viewer == spec.author or spec.audience == "community":
        return True
    if spec.audience == "tier":
        return rank >= spec.rank or role in SEES_EVERY_TIER
    if spec.audience == "circle":
        return viewer in spec.circle_people
    return False


def not_blocked(one, other, blocked_pairs) -> bool:
    return one is None or ((one, other) not in blocked_pairs and (other, one) not in blocked_pairs)


def page_ids(source, viewer, order) -> set[int]:
    """Every post id the feed's pages show `viewer`, following the cursor to the end."""
    found, cursor = [], ""
    while True:
        page = feed_page(source, viewer, order=order, cursor=cursor)
        found += [post.pk for post in page.posts]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert len(found) == len(set(found))
    return set(found)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    # Each example builds a database world; shrinking one takes minutes, so a failure is
    # reported as generated (run again with its printed seed to dig in).
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=memberships, blocked_pairs=blocks, specs=posts, teaser_flags=teasers, owner_of=owners)
def test_every_surface_matches_the_model(drawn, blocked_pairs, specs, teaser_flags, owner_of):
    mships = with_owners(drawn, owner_of)
    with transaction.atomic():
        people = [UserFactory() for _ in range(PEOPLE)]
        communities = []
        for index in range(COMMUNITIES):
            owner = people[owner_of[index]] if owner_of[index] is not None else UserFactory()
            community = create_community(owner=owner, allow_public_teasers=teaser_flags[index])
            Tier.objects.create(community=community, name="Insider", rank=1)
            communities.append(community)
        tiers = {
            (c, rank): communities[c].tiers.get(rank=rank)
            for c in range(COMMUNITIES)
            for rank in range(TIERS)
        }
        for (person, c), (status, rank, role) in mships.items():
            Membership.objects.update_or_create(
                user=people[person],
                community=communities[c],
                defaults={"tier": tiers[(c, rank)], "status": status, "role": role},
            )
        for blocker, blocked in blocked_pairs:
            Block.objects.create(blocker=people[blocker], blocked=people[blocked])
        made = []
        for number, spec in enumerate(specs):
            circle = Circle.objects.create(owner=people[spec.author], name=f"Circle {number}")
            for person in spec.circle_people:
                CircleMember.objects.create(circle=circle, user=people[person])
            post = Post.objects.create(
                community=communities[spec.community],
                author=people[spec.author],
                body=f"post {number} wine",
                audience=spec.audience,
                min_tier=tiers[(spec.community, spec.rank)],
                circle=circle,
            )
            steps = ladder_of(spec)
            for position, (reached, audience, rank) in enumerate(steps):
                hours = position - len(steps) if reached else position + 1
                ReleaseStep.objects.create(
                    post=post,
                    at=timezone.now() + timedelta(hours=hours),
                    audience=audience,
                    min_tier=tiers[(spec.community, rank)] if audience == "tier" else None,
                )
            if steps:
                Post.objects.filter(pk=post.pk).update(staged=True)
                post.staged = True
            comment = Comment.objects.create(post=post, author=people[spec.commenter], body="c")
            Reaction.objects.create(post=post, user=people[spec.reactor], emoji="heart")
            if spec.withheld:
                WithheldContent.objects.create(
                    community=post.community,
                    target_label="post",
                    target_id=post.pk,
                    author=post.author,
                    state=spec.withheld,
                    reason="Model",
                )
            if spec.report:
                Report.objects.create(
                    reporter=post.community.owner,
                    community=post.community,
                    target_label="post",
                    target_id=post.pk,
                    reason="spam",
                    status=spec.report,
                )
            made.append((post, comment, spec))

        world = (mships, blocked_pairs, teaser_flags)
        viewers = [(index, person) for index, person in enumerate(people)] + [
            (None, AnonymousUser())
        ]
        for index, viewer in viewers:
            expected = {post.pk for post, _, spec in made if model_may_see(index, spec, world)}
            assert set(Post.objects.visible_to(viewer).values_list("pk", flat=True)) == expected
            for post, _, _ in made:
                try:
                    access_post(viewer, post.pk)
                    allowed = True
                except Exception:
                    allowed = False
                assert allowed == (post.pk in expected)
            mine = {
                c for (p, c), (status, *_) in mships.items() if p == index and status == "active"
            }
            if index is not None:
                home = {
                    post.pk
                    for post, _, spec in made
                    if post.pk in expected and spec.community in mine
                }
                assert set(home_posts(viewer).values_list("pk", flat=True)) == home
                # The pages (keyset and Top window) list exactly the same posts.
                for order in (LATEST, TOP):
                    assert page_ids(home_source(), viewer, order) == home
            for c, community in enumerate(communities):
                in_community = {
                    post.pk for post, _, spec in made if post.pk in expected and spec.community == c
                }
                assert (
                    set(
                        community_posts(viewer, community, query="wine").values_list(
                            "pk", flat=True
                        )
                    )
                    == in_community
                )
                assert page_ids(community_source(community), viewer, LATEST) == in_community
            assert set(Comment.objects.visible_to(viewer).values_list("pk", flat=True)) == {
                comment.pk
                for post, comment, spec in made
                if post.pk in expected and not_blocked(index, spec.commenter, blocked_pairs)
            }
            assert set(Reaction.objects.visible_to(viewer).values_list("post_id", flat=True)) == {
                post.pk
                for post, _, spec in made
                if post.pk in expected and not_blocked(index, spec.reactor, blocked_pairs)
            }
        for post, _, spec in made:
            audience = {
                people[index].pk for index in range(PEOPLE) if model_may_see(index, spec, world)
            }
            assert (
                set(
                    audience_of(post)
                    .filter(pk__in=[p.pk for p in people])
                    .values_list("pk", flat=True)
                )
                == audience
            )
            members = {
                people[index].pk
                for index in range(PEOPLE)
                if mships.get((index, spec.community), ("",))[0] == "active"
                and index != spec.author
            }
            pushed = set(feed_recipients(post)) & {person.pk for person in people}
            assert pushed == audience & members
        transaction.set_rollback(True)
