"""Reading feeds: the home feed, a community's feed and its search, in two orders.

Latest pages by keyset on (created, id), never OFFSET, so page 500 costs what page 1 costs.
Top ranks the newest TOP_WINDOW visible posts (ranking.py) at an anchor time fixed by the
first page, and pages by keyset on (score, id) inside that window: its cost does not grow with
the number of posts either. Every list starts from `Post.objects.visible_to`; counts and the
viewer's reactions use the policy's per-post filters. A page costs a fixed number of queries.
"""

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from communities.models import Community, Membership, MembershipStatus
from feeds.models import Comment, Emoji, Post, Reaction
from feeds.policy import comments_seen_on_visible_posts, reactions_seen_on_visible_posts
from feeds.ranking import interaction_querysets, top_score

TOP_WINDOW = 300
LATEST, TOP = "latest", "top"


def page_size() -> int:
    return settings.SOSOON_FEED_PAGE_SIZE


@dataclass
class FeedPage:
    posts: list[Post]
    next_cursor: str | None
    order: str = LATEST
    pinned: list[Post] = field(default_factory=list)


def home_posts(viewer) -> QuerySet:
    """Posts on `viewer`'s home feed: visible to them, in the communities they are active
    members of (circle posts addressed to them included), not removed."""
    mine = Membership.objects.filter(
        user=viewer, status=MembershipStatus.ACTIVE, community=OuterRef("community_id")
    )
    # The membership test sits in an OR whose other branch is always false here (live()
    # keeps deleted IS NULL), so PostgreSQL keeps it a per-row check and walks the
    # newest-first index until the page is full. As a plain semi-join the planner would
    # fetch and sort every post of my communities: cost growing with the database.
    return Post.objects.visible_to(viewer).live().filter(Q(Exists(mine)) | Q(deleted__isnull=False))


def community_posts(viewer, community: Community, *, query: str = "") -> QuerySet:
    """Posts of one community `viewer` may see, not removed, optionally matching `query`."""
    posts = Post.objects.visible_to(viewer).live().filter(community=community)
    if query:
        posts = posts.filter(body__icontains=query)
    return posts


def pinned_posts(viewer, community: Community) -> list[Post]:
    """The community's announcements `viewer` may see, newest pin first."""
    posts = community_posts(viewer, community).filter(pinned_at__isnull=False)
    return with_card_data(posts.order_by("-pinned_at"), viewer)


def comment_count(viewer) -> Subquery:
    """Per post row: the comments `viewer` may see on it (the post is already visible)."""
    visible = (
        Comment.objects.filter(post=OuterRef("pk"), deleted__isnull=True)
        .filter(comments_seen_on_visible_posts(viewer))
        .order_by()
        .values("post")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(visible, output_field=IntegerField()), Value(0))


def window_stats(
    viewer, post_ids: list[int], *, now: datetime
) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    """For Top, in one query: visible comments and reactions per post of the window, and the
    viewer's interactions per author (see ranking.interaction_querysets)."""
    if not post_ids:
        return {}, {}, {}

    def tagged(queryset, kind: str, key: str):
        return (
            queryset.order_by()
            .values(key)
            .annotate(kind=Value(kind), key_id=F(key), n=Count("pk"))
            .values_list("kind", "key_id", "n")
        )

    comments = Comment.objects.filter(post__in=post_ids, deleted__isnull=True).filter(
        comments_seen_on_visible_posts(viewer)
    )
    reactions = Reaction.objects.filter(post__in=post_ids).filter(
        reactions_seen_on_visible_posts(viewer)
    )
    parts = [tagged(comments, "comments", "post_id"), tagged(reactions, "reactions", "post_id")]
    if viewer.is_authenticated:
        parts += [
            tagged(queryset, "affinity", "post__author")
            for queryset in interaction_querysets(viewer, now=now)
        ]
    found: dict[str, dict[int, int]] = {"comments": {}, "reactions": {}, "affinity": {}}
    for kind, key, count in parts[0].union(*parts[1:], all=True):
        found[kind][key] = found[kind].get(key, 0) + count
    return found["comments"], found["reactions"], found["affinity"]


@dataclass(frozen=True)
class ReactionSummary:
    emoji: str
    symbol: str
    count: int
    mine: bool


def reaction_annotations(viewer) -> dict:
    """Per post row, for each emoji: how many reactions `viewer` may see, and whether one is
    theirs. Correlated subqueries on the (post, user, emoji) index, so a page needs no query
    of its own for reactions."""
    annotations = {}
    for emoji in Emoji.values:
        visible = (
            Reaction.objects.filter(post=OuterRef("pk"), emoji=emoji)
            .filter(reactions_seen_on_visible_posts(viewer))
            .order_by()
            .values("post")
            .annotate(n=Count("pk"))
            .values("n")
        )
        annotations[f"reactions_{emoji}"] = Coalesce(
            Subquery(visible, output_field=IntegerField()), Value(0)
        )
        annotations[f"mine_{emoji}"] = (
            Exists(Reaction.objects.filter(post=OuterRef("pk"), emoji=emoji, user=viewer))
            if viewer.is_authenticated
            else Value(False)
        )
    return annotations


def with_card_data(posts: QuerySet, viewer) -> list[Post]:
    """Evaluate `posts` with what a post card shows: author, community, audience badge, images,
    visible comment count, reactions per emoji with the viewer's own. Two queries."""
    rows = list(
        posts.select_related("author", "community", "min_tier", "circle")
        .prefetch_related("images")
        .annotate(visible_comments=comment_count(viewer), **reaction_annotations(viewer))
    )
    for post in rows:
        post.reaction_summary = [
            ReactionSummary(
                emoji=value,
                symbol=symbol,
                count=getattr(post, f"reactions_{value}"),
                mine=bool(getattr(post, f"mine_{value}")),
            )
            for value, symbol in Emoji.choices
        ]
        post.reaction_total = sum(summary.count for summary in post.reaction_summary)
    return rows


def card(post_id: int, viewer) -> Post:
    """One post `viewer` may see, with its card data (for the post page and htmx swaps)."""
    return with_card_data(Post.objects.visible_to(viewer).filter(pk=post_id), viewer)[0]


def _encode(*parts) -> str:
    return base64.urlsafe_b64encode("|".join(str(part) for part in parts).encode()).decode()


def _decode(cursor: str, count: int) -> list[str] | None:
    try:
        parts = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
    except (ValueError, UnicodeDecodeError):
        return None
    return parts if len(parts) == count else None


def latest_page(posts: QuerySet, viewer, *, cursor: str = "") -> FeedPage:
    """One page of `posts`, newest first, after `cursor` (a bad cursor means the first page)."""
    size = page_size()
    parts = _decode(cursor, 2) if cursor else None
    if parts:
        try:
            created, pk = datetime.fromisoformat(parts[0]), int(parts[1])
        except ValueError:
            parts = None
        else:
            # `created <= c` lets the index scan start at the cursor; the OR settles ties.
            posts = posts.filter(created__lte=created).filter(Q(created__lt=created) | Q(pk__lt=pk))
    rows = with_card_data(posts.order_by("-created", "-id")[: size + 1], viewer)
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = _encode(last.created.isoformat(), last.pk)
    return FeedPage(posts=rows, next_cursor=next_cursor)


def top_page(posts: QuerySet, viewer, *, cursor: str = "") -> FeedPage:
    """One page of `posts` by Top score, within the newest TOP_WINDOW at the cursor's anchor."""
    size = page_size()
    anchor, after = timezone.now(), None
    parts = _decode(cursor, 3) if cursor else None
    if parts:
        try:
            anchor = datetime.fromtimestamp(float(parts[0]), tz=UTC)
            after = (float(parts[1]), int(parts[2]))
        except ValueError:
            anchor, after = timezone.now(), None
    window = list(
        posts.filter(created__lte=anchor)
        .order_by("-created", "-id")
        .values_list("pk", "author_id", "created")[:TOP_WINDOW]
    )
    comments, reactions, affinity = window_stats(viewer, [row[0] for row in window], now=anchor)
    scored = sorted(
        (
            (
                top_score(
                    reactions=reactions.get(pk, 0),
                    comments=comments.get(pk, 0),
                    age_hours=(anchor - created).total_seconds() / 3600,
                    interactions=affinity.get(author_id, 0) if author_id != viewer.pk else 0,
                ),
                pk,
            )
            for pk, author_id, created in window
        ),
        reverse=True,
    )
    if after is not None:
        scored = [entry for entry in scored if entry < after]
    chosen = scored[: size + 1]
    next_cursor = None
    if len(chosen) > size:
        chosen = chosen[:size]
        next_cursor = _encode(anchor.timestamp(), repr(chosen[-1][0]), chosen[-1][1])
    order = {pk: position for position, (_, pk) in enumerate(chosen)}
    rows = with_card_data(posts.filter(pk__in=order), viewer) if order else []
    rows.sort(key=lambda post: order[post.pk])
    return FeedPage(posts=rows, next_cursor=next_cursor, order=TOP)


def feed_page(posts: QuerySet, viewer, *, order: str, cursor: str = "") -> FeedPage:
    """A page of `posts` in `order` ("latest" or "top")."""
    if order == TOP:
        return top_page(posts, viewer, cursor=cursor)
    return latest_page(posts, viewer, cursor=cursor)
