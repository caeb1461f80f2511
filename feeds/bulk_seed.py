"""Seeding a large dataset fast, for benchmarks and load tests (`manage.py seed_bulk`).

Rows are generated in Python in chunks and written with PostgreSQL's COPY (bulk_create in
large batches on SQLite), so a million posts with their comments and reactions take minutes,
not hours. Ids of a chunk of posts are read back once (they are consecutive: one COPY in one
session), so comments and reactions need no per-row lookups. Everything is deterministic for
a given seed.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from communities.models import Community, Membership, MembershipStatus, Role, Tier
from feeds.models import Audience, Circle, CircleMember, Comment, Emoji, Post, Reaction
from sosoon_site.accounts.models import User

CHUNK = 50_000
PREFIX = "bulk"


@dataclass
class BulkWorld:
    """What posts are written into: each community's members and tiers, each user's circle."""

    members: dict[int, list[int]]
    insider_tier: dict[int, int]
    close_friends: dict[int, int]


def copy_rows(model, fields: list[str], rows: list[tuple]) -> None:
    """Insert `rows` (tuples in `fields` order) as fast as the database allows."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        columns = ", ".join(model._meta.get_field(name).column for name in fields)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    names = [model._meta.get_field(name).attname for name in fields]
    model.objects.bulk_create(
        [model(**dict(zip(names, row, strict=True))) for row in rows], batch_size=2_000
    )


def seed_people(
    *, members: int, communities: int, per_member: int, rng: random.Random
) -> BulkWorld:
    """`members` people in `communities` communities (tiers Member < Insider), each in
    `per_member` of them, one in five an Insider, each with a Close friends circle."""
    existing = User.objects.filter(handle__startswith=f"{PREFIX}_").count()
    copy_rows(
        User,
        ["email", "handle", "display_name", "password", "is_active", "is_staff", "is_superuser",
         "date_joined", "bio", "time_zone", "language", "avatar"],
        [
            (f"{PREFIX}{n}@bulk.sosoon.test", f"{PREFIX}_{n}", f"Bulk Person {n}", "!", True,
             False, False, timezone.now(), "", "UTC", "", "")
            for n in range(existing, members)
        ],
    )  # fmt: skip
    people = list(
        User.objects.filter(handle__startswith=f"{PREFIX}_")
        .order_by("pk")
        .values_list("pk", flat=True)
    )[:members]
    made = list(Community.objects.filter(slug__startswith=f"{PREFIX}-").order_by("pk"))
    for number in range(len(made), communities):
        community = Community.objects.create(
            name=f"Bulk community {number}",
            slug=f"{PREFIX}-{number}",
            owner_id=people[number % len(people)],
            allow_public_teasers=number % 2 == 0,
        )
        Tier.objects.bulk_create(
            [
                Tier(community=community, name="Member", rank=0),
                Tier(community=community, name="Insider", rank=1),
            ]
        )
        made.append(community)
    tiers = {
        (tier.community_id, tier.rank): tier.pk for tier in Tier.objects.filter(community__in=made)
    }
    if not Membership.objects.filter(community__in=made).exists():
        rows, seen = [], set()
        for community in made:
            seen.add((community.owner_id, community.pk))
            rows.append((community.owner_id, community.pk, Role.OWNER, tiers[(community.pk, 1)]))
        for person in people:
            for community in rng.sample(made, min(per_member, len(made))):
                if (person, community.pk) in seen:
                    continue
                seen.add((person, community.pk))
                rank = 1 if rng.random() < 0.2 else 0
                rows.append((person, community.pk, Role.MEMBER, tiers[(community.pk, rank)]))
        now = timezone.now()
        copy_rows(
            Membership,
            ["user", "community", "role", "tier", "status", "joined_at"],
            [(u, c, role, t, MembershipStatus.ACTIVE, now) for u, c, role, t in rows],
        )
    members_of: dict[int, list[int]] = {}
    for user_id, community_id in Membership.objects.filter(community__in=made).values_list(
        "user_id", "community_id"
    ):
        members_of.setdefault(community_id, []).append(user_id)
    if not Circle.objects.filter(owner_id__in=people, is_close_friends=True).exists():
        now = timezone.now()
        copy_rows(
            Circle,
            ["owner", "name", "is_close_friends", "created"],
            [(person, "Close friends", True, now) for person in people],
        )
        circles = dict(
            Circle.objects.filter(owner_id__in=people, is_close_friends=True).values_list(
                "owner_id", "pk"
            )
        )
        entries = set()
        for people_here in members_of.values():
            for person in people_here:
                for friend in rng.sample(people_here, min(3, len(people_here))):
                    if friend != person and person in circles:
                        entries.add((circles[person], friend))
        copy_rows(CircleMember, ["circle", "user", "added"], [(c, u, now) for c, u in entries])
    circles = dict(
        Circle.objects.filter(owner_id__in=people, is_close_friends=True).values_list(
            "owner_id", "pk"
        )
    )
    return BulkWorld(
        members=members_of,
        insider_tier={c.pk: tiers[(c.pk, 1)] for c in made},
        close_friends=circles,
    )


def pick_audience(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.8:
        return Audience.COMMUNITY
    if roll < 0.9:
        return Audience.TIER
    if roll < 0.95:
        return Audience.CIRCLE
    return Audience.PUBLIC


def seed_posts(
    world: BulkWorld,
    *,
    posts: int,
    days: int,
    comments_per_post: float,
    reactions_per_post: float,
    rng: random.Random,
    progress=None,
) -> None:
    """`posts` posts spread over the last `days` days, with comments and reactions by members
    of the post's community."""
    communities = sorted(world.members)
    emoji = Emoji.values
    now = timezone.now()
    written = 0
    while written < posts:
        size = min(CHUNK, posts - written)
        rows, plan = [], []
        for _ in range(size):
            community = rng.choice(communities)
            people = world.members[community]
            author = rng.choice(people)
            audience = pick_audience(rng)
            created = now - timedelta(seconds=rng.uniform(0, days * 86_400))
            body = f"Post {written} about tasting notes and restorations, #{rng.randint(1, 999)}"
            rows.append((
                community, author, body, f"<p>{body}</p>", audience,
                world.insider_tier[community] if audience == Audience.TIER else None,
                world.close_friends.get(author) if audience == Audience.CIRCLE else None,
                created,
                False,  # staged: no release ladder
            ))  # fmt: skip
            plan.append((people, created))
            written += 1
        before = Post.objects.aggregate(top=Max("pk"))["top"] or 0
        with transaction.atomic():
            copy_rows(
                Post,
                [
                    "community",
                    "author",
                    "body",
                    "body_html",
                    "audience",
                    "min_tier",
                    "circle",
                    "created",
                    "staged",
                ],
                rows,
            )
            ids = list(
                Post.objects.filter(pk__gt=before).order_by("pk").values_list("pk", flat=True)
            )
            if len(ids) != len(rows):
                raise RuntimeError(
                    "Another process wrote posts while seeding; run seed_bulk alone."
                )
            comments, reactions = [], []
            for post_id, (people, created) in zip(ids, plan, strict=True):
                for _ in range(_count(comments_per_post, rng)):
                    comments.append((post_id, rng.choice(people), "Nice one", "<p>Nice one</p>",
                                     created + timedelta(minutes=rng.randint(1, 600))))  # fmt: skip
                reactors = rng.sample(people, min(len(people), _count(reactions_per_post, rng)))
                reacted = created + timedelta(minutes=rng.randint(1, 600))
                reactions.extend(
                    (post_id, person, rng.choice(emoji), reacted) for person in reactors
                )
            copy_rows(Comment, ["post", "author", "body", "body_html", "created"], comments)
            copy_rows(Reaction, ["post", "user", "emoji", "created"], reactions)
        if progress:
            progress(written)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Post, Comment, Reaction, Membership, CircleMember):
                cursor.execute(f"ANALYZE {model._meta.db_table}")


def _count(mean: float, rng: random.Random) -> int:
    """A small random count averaging `mean` (0 to 2 x mean)."""
    return int(rng.uniform(0, 2 * mean) + 0.5)
