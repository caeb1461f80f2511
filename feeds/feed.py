"""Reading feeds: the home feed, a community's feed and its search, a person's posts, in two
orders.

Latest pages by keyset on (created, id), never OFFSET, so page 500 costs what page 1 costs.
Top ranks the newest TOP_WINDOW visible posts (ranking.py) at an anchor time fixed by the
first page, and pages by keyset on (score, id) inside that window: its cost does not grow with
the number of posts either. Every list starts from `Post.objects.visible_to`; counts and the
viewer's reactions use the policy's per-post filters. A page costs a fixed number of queries.

A feed is a `Source`: the rule that builds its posts for a viewer. The page's two policy
queries (the list's ids, or Top's window, and the engagement counts) are compiled once per
process and shape (sosoon_site/compiled_queries.py) and run with each request's viewer, cursor
and ids: building and compiling them cost several times what the database spends running them.
The builds still start from `Post.objects.visible_to` and the policy's per-post filters; only
their SQL text is kept. The cards (models with their related rows) are read by the plain ORM.
"""

import base64
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import CharField, Count, F, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.http import Http404
from django.utils import timezone

from communities.models import Community, Membership, MembershipStatus, Tier
from feeds import kept_rankings
from feeds.kept_rankings import Ranking
from feeds.lookups import IdIn
from feeds.models import Circle, Comment, Emoji, Post, PostImage, Reaction
from feeds.policy import (
    audience_now,
    comments_seen_on_visible_posts,
    reactions_seen_on_visible_posts,
)
from feeds.ranking import AFFINITY_WINDOW, HoursSince, interaction_querysets, top_score
from sosoon_site.accounts.models import User
from sosoon_site.compiled_queries import compiled_rows, loaded
from sosoon_site.text_search import HasWords, search_words

TOP_WINDOW = 200
LATEST, TOP = "latest", "top"


def page_size() -> int:
    return settings.SOSOON_FEED_PAGE_SIZE


@dataclass
class FeedPage:
    posts: list[Post]
    next_cursor: str | None
    order: str = LATEST
    pinned: list[Post] = field(default_factory=list)


def home_posts(viewer, *, now=None) -> QuerySet:
    """Posts on `viewer`'s home feed: visible to them (at `now`, the present by default), in
    the communities they are active members of (circle posts addressed to them included), not
    removed."""
    mine = Membership.objects.filter(user=viewer, status=MembershipStatus.ACTIVE).values(
        "community_id"
    )
    # The membership test sits in an OR whose other branch is always false here (live()
    # keeps deleted IS NULL), so the database keeps it a per-row check and walks the
    # newest-first index until the page is full. As a plain semi-join the planner would
    # fetch and sort every post of my communities: cost growing with the database. An
    # uncorrelated IN, so my communities are read once per query (PostgreSQL hashes them,
    # SQLite keeps them in an index of its own), not probed again for every post passed.
    return (
        Post.objects.visible_to(viewer, now=now)
        .live()
        .filter(Q(community_id__in=mine) | Q(deleted__isnull=False))
    )


def community_posts(viewer, community: Community | int, *, query: str = "", now=None) -> QuerySet:
    """Posts of one community `viewer` may see (at `now`, the present by default), not
    removed, optionally holding every word of `query` (matched as /search/ matches words:
    sosoon_site.text_search; the caller has checked it with `search_words`)."""
    posts = Post.objects.visible_to(viewer, now=now).live().filter(community=community)
    if query:
        posts = posts.filter(HasWords("body", search_words(query)))
    return posts


def pinned_posts(viewer, community: Community) -> list[Post]:
    """The community's announcements `viewer` may see, newest pin first: their ids through
    the policy in a query compiled once (as a feed page's), then their cards."""
    source = Source(
        lambda viewer, community, now=None: community_posts(viewer, community, now=now).filter(
            pinned_at__isnull=False
        ),
        name="pinned",
        values={"community": community.pk},
    )
    found = source.rows(
        "pinned", lambda posts: posts.order_by("-pinned_at", "-id").values_list("pk"), viewer
    )
    return _cards([pk for (pk,) in found], viewer)


@dataclass(frozen=True)
class Source:
    """Which posts a feed lists: `posts(viewer, **values)` builds them for the viewer.

    `values` are the source's own ids (a community, an author), passed to `posts` as they are
    so its query can be compiled once (`name` names the build) and run for any of them. A
    source without a name (search: its text is no id) is built afresh every time."""

    posts: Callable[..., QuerySet]
    name: str | None = None
    values: dict[str, int] = field(default_factory=dict)

    @property
    def key(self) -> str | None:
        """Which feed this is, as text (`community:community=5`); None for a source without a
        name, whose rows are never kept."""
        if self.name is None:
            return None
        return ":".join([self.name, *(f"{name}={value}" for name, value in self.values.items())])

    def rows(self, what: Hashable, build: Callable[..., QuerySet], viewer, **values) -> list:
        """The rows of `build(self.posts(person, **self.values), **values)`, the query
        compiled once per `what` (which also names anything else that shapes it)."""

        if self.name is None:
            return list(build(self.posts(viewer, **self.values), **values))

        def built(*, viewer, now, **values):
            own = {name: values.pop(name) for name in self.values}
            return build(self.posts(_person(viewer), now=now, **own), **values)

        return compiled_rows(
            (self.name, what),
            built,
            viewer=viewer.pk,
            # The policy's clock (a release ladder's step reached), a value like the viewer.
            now=timezone.now(),
            **values,
            **self.values,
        )


def _person(pk: int | None):
    """The viewer a compiled build is written for: only their id matters to the policy."""
    return AnonymousUser() if pk is None else User(pk=pk)


def home_source() -> Source:
    return Source(home_posts, name="home")


def community_source(community: Community, *, query: str = "") -> Source:
    """A community's feed without its announcements (they sit above it), or its search."""
    if query:
        return Source(lambda viewer: community_posts(viewer, community, query=query))
    return Source(
        lambda viewer, community, now=None: community_posts(viewer, community, now=now).filter(
            pinned_at__isnull=True
        ),
        name="community",
        values={"community": community.pk},
    )


def person_source(author: User) -> Source:
    """The posts `author` wrote that the viewer may see."""
    return Source(
        lambda viewer, author, now=None: (
            Post.objects.visible_to(viewer, now=now).live().filter(author=author)
        ),
        name="person",
        values={"author": author.pk},
    )


@dataclass
class Engagement:
    """What the viewer may see of the engagement on some posts: visible comments per post,
    visible reactions per (post, emoji), the viewer's own reactions, and (for Top) the
    viewer's interactions per author."""

    comments: dict[int, int] = field(default_factory=dict)
    reactions: dict[tuple[int, str], int] = field(default_factory=dict)
    mine: set[tuple[int, str]] = field(default_factory=set)
    affinity: dict[int, int] = field(default_factory=dict)
    images: dict[int, list[PostImage]] = field(default_factory=dict)


def _engagement_query(viewer, post_ids: list[int], since: datetime | None) -> QuerySet:
    """A UNION ALL of grouped counts, each part filtered by the policy's per-post filters:
    visible comments per post, visible reactions per post and emoji with the viewer's own,
    and with `since` the viewer's interactions per author (ranking.interaction_querysets);
    and the posts' images (id, position, "width height"), which are their posts' to show.

    One grouped query instead of eleven correlated subqueries on each post row (a count and
    an EXISTS per emoji, a comment count): the ORM compiles the policy's two per-post filters
    once each instead of six times, and the page's own query stays small."""

    def tagged(queryset, kind: str, key: str, *, emoji: str = "", mine=None):
        """Counts of `queryset` grouped by `key` (and `emoji`, a field name, if given) as
        uniform (kind, key, emoji, count, mine) rows, so the parts can be one UNION ALL."""
        return (
            queryset.order_by()
            .values(*filter(None, [key, emoji]))
            .annotate(
                kind=Value(kind),
                key_id=F(key),
                what=F(emoji) if emoji else Value(""),
                # Counting a column of the grouping index lets the reactions' part read
                # the unique (post, user, emoji) index alone.
                n=Count(key),
                n_mine=mine if mine is not None else Value(0),
            )
            .values_list("kind", "key_id", "what", "n", "n_mine")
        )

    comments = Comment.objects.filter(IdIn("post_id", post_ids), deleted__isnull=True).filter(
        comments_seen_on_visible_posts(viewer)
    )
    reactions = Reaction.objects.filter(IdIn("post_id", post_ids)).filter(
        reactions_seen_on_visible_posts(viewer)
    )
    mine = Count("post_id", filter=Q(user=viewer)) if viewer.is_authenticated else None
    # The cards' images ride along: a query of their own was one more round trip a page.
    images = (
        PostImage.objects.filter(IdIn("post_id", post_ids))
        .order_by()
        .annotate(
            kind=Value("images"),
            key_id=F("post_id"),
            what=Concat(Cast("width", CharField()), Value(" "), Cast("height", CharField())),
            n=F("id"),
            n_mine=F("position"),
        )
        .values_list("kind", "key_id", "what", "n", "n_mine")
    )
    parts = [
        tagged(comments, "comments", "post_id"),
        tagged(reactions, "reactions", "post_id", emoji="emoji", mine=mine),
        images,
    ]
    if since is not None and viewer.is_authenticated:
        parts += [
            tagged(queryset, "affinity", "post__author")
            for queryset in interaction_querysets(viewer, since=since)
        ]
    # Unordered throughout: each part (`tagged`) and the union itself, so no model's default
    # ordering (Comment's is created, id) reaches a query that selects none of its columns
    # (Django 6 applies the first part's Meta.ordering to the whole union).
    return parts[0].union(*parts[1:], all=True).order_by()


def engagement(viewer, post_ids: list[int], *, affinity_at: datetime | None = None) -> Engagement:
    """The engagement on `post_ids` (posts `viewer` may see), in one query whatever the number
    of posts; with `affinity_at`, also the viewer's interactions per author for Top."""
    found = Engagement()
    if not post_ids:
        return found
    values = {"viewer": viewer.pk, "post_ids": list(post_ids)}
    if affinity_at is not None and viewer.is_authenticated:
        values["since"] = affinity_at - AFFINITY_WINDOW
    rows = compiled_rows(
        "engagement",
        lambda viewer, post_ids, since=None: _engagement_query(_person(viewer), post_ids, since),
        **values,
    )
    for kind, key, emoji, count, own in rows:
        if kind == "comments":
            found.comments[key] = count
        elif kind == "reactions":
            found.reactions[(key, emoji)] = count
            if own:
                found.mine.add((key, emoji))
        elif kind == "images":
            width, height = emoji.split()
            image = PostImage(
                pk=count, post_id=key, width=int(width), height=int(height), position=own
            )
            found.images.setdefault(key, []).append(image)
        else:
            found.affinity[key] = found.affinity.get(key, 0) + count
    for images in found.images.values():
        images.sort(key=lambda image: (image.position, image.pk))
    return found


@dataclass(frozen=True)
class ReactionSummary:
    emoji: str
    symbol: str
    count: int
    mine: bool


def _with_engagement(rows: list[Post], seen: Engagement) -> list[Post]:
    # Read once: Django builds the `choices` list anew on every access.
    emoji = Emoji.choices
    for post in rows:
        post.card_images = seen.images.get(post.pk, [])
        post.visible_comments = seen.comments.get(post.pk, 0)
        post.reaction_summary = [
            ReactionSummary(
                emoji=value,
                symbol=symbol,
                count=seen.reactions.get((post.pk, value), 0),
                mine=(post.pk, value) in seen.mine,
            )
            for value, symbol in emoji
        ]
        post.reaction_total = sum(summary.count for summary in post.reaction_summary)
    return rows


@dataclass(frozen=True)
class CardEvent:
    """What a card says of the gathering when its post is an event: the event page links it,
    so the card of an event reads as one and not as an untitled description."""

    id: int
    title: str
    starts_at: datetime
    cancelled: bool


def _card_rows(posts: QuerySet) -> list[Post]:
    """`posts` with the related rows a card shows (their images come with the engagement)."""
    rows = list(
        posts.select_related("author", "community", "min_tier", "circle", "event").annotate(
            **audience_now(timezone.now())
        )
    )
    for post in rows:
        event = getattr(post, "event", None)
        post.card_event = (
            CardEvent(event.pk, event.title, event.starts_at, event.cancelled_at is not None)
            if event is not None
            else None
        )
    return rows


def with_card_data(posts: QuerySet, viewer) -> list[Post]:
    """Evaluate `posts` with what a post card shows: author, community, audience badge, images,
    visible comment count, reactions per emoji with the viewer's own. Two queries."""
    rows = _card_rows(posts)
    return _with_engagement(rows, engagement(viewer, [post.pk for post in rows]))


# What a feed card shows (feeds.templatetags.feed_tags.post_card), read by id (`_cards`): only
# these, as every column more is one more value to load per card (datetimes dearly).
_CARD_POST_COLUMNS = (
    *("id", "community_id", "author_id", "audience", "min_tier_id", "circle_id", "body_html"),
    *("created", "edited", "deleted", "pinned_at"),
)
_CARD_RELATED_COLUMNS = (
    *("author__handle", "author__display_name", "author__avatar"),
    *("community__name", "community__slug", "community__avatar"),
    *("min_tier__name", "circle__is_close_friends"),
    # The badge as a release ladder has it now (feeds.policy.audience_now).
    *("audience_now", "tier_name_now"),
    # The event the post announces, if it is one (a left join on a unique key).
    *("event__id", "event__title", "event__starts_at", "event__cancelled_at"),
)


def _card_from_row(row: tuple) -> Post:
    """A card's post with its author, community, tier and circle, as `select_related` gives
    them, from one row of the card's columns."""
    split = len(_CARD_POST_COLUMNS)
    own = dict(zip(_CARD_POST_COLUMNS, row[:split], strict=True))
    (
        handle,
        display_name,
        avatar,
        community_name,
        slug,
        community_avatar,
        tier_name,
        close_friends,
        audience_now,
        tier_name_now,
        event_id,
        event_title,
        event_starts_at,
        event_cancelled_at,
    ) = row[split:]
    post = loaded(Post, own)
    post.audience_now, post.tier_name_now = audience_now, tier_name_now
    post.card_event = (
        CardEvent(event_id, event_title, event_starts_at, event_cancelled_at is not None)
        if event_id is not None
        else None
    )
    post.author = loaded(
        User,
        {"id": own["author_id"], "handle": handle, "display_name": display_name, "avatar": avatar},
    )
    post.community = loaded(
        Community,
        {
            "id": own["community_id"],
            "name": community_name,
            "slug": slug,
            "avatar": community_avatar,
        },
    )
    post.min_tier = (
        loaded(Tier, {"id": own["min_tier_id"], "name": tier_name}) if own["min_tier_id"] else None
    )
    post.circle = (
        loaded(Circle, {"id": own["circle_id"], "is_close_friends": close_friends})
        if own["circle_id"]
        else None
    )
    return post


def _cards(ids: list[int], viewer, *, known: Engagement | None = None) -> list[Post]:
    """The cards of `ids`, in that order. The ids were read through the policy a moment ago
    in this same request, so the posts are read by id alone (the cards' related rows; the
    query compiled once), and the engagement through the policy's per-post filters."""
    if not ids:
        return []
    found = compiled_rows(
        "cards",
        lambda ids, now: (
            Post.objects.filter(IdIn("pk", ids))
            .annotate(**audience_now(now))
            .order_by()
            .values_list(*_CARD_POST_COLUMNS, *_CARD_RELATED_COLUMNS)
        ),
        ids=list(ids),
        now=timezone.now(),
    )
    rows = [_card_from_row(row) for row in found]
    order = {pk: position for position, pk in enumerate(ids)}
    rows.sort(key=lambda post: order[post.pk])
    return _with_engagement(rows, known if known is not None else engagement(viewer, ids))


def card(post_id: int, viewer) -> Post:
    """One post `viewer` may see, with its card data (for the post page and htmx swaps);
    Http404 for a missing post and a forbidden one alike. The policy's answer is one query
    compiled once (as a feed page's are), the card then read by id."""
    try:
        post_id = int(post_id)
    except (TypeError, ValueError):
        raise Http404("No such post.") from None
    seen = compiled_rows(
        "post_seen",
        lambda viewer, now, post: (
            Post.objects.visible_to(_person(viewer), now=now).filter(pk=post).values_list("pk")
        ),
        viewer=viewer.pk,
        now=timezone.now(),
        post=post_id,
    )
    if not seen:
        raise Http404("No such post.")
    return _cards([post_id], viewer)[0]


_THREAD_COLUMNS = ("id", "post_id", "parent_id", "author_id", "body_html", "created", "deleted")
_THREAD_AUTHOR_COLUMNS = ("author__handle", "author__display_name")


def comment_thread(post: Post, viewer) -> list[Comment]:
    """Top-level comments on `post` that `viewer` may see, oldest first, each with
    `.visible_replies`. One query, compiled once.

    `post` is one `viewer` may see (`card` asked the policy a moment ago), so the comments
    pass the policy's per-post comment rules, as a feed's counts do: the whole rule would
    ask for every post the viewer may see to find this one's (a million rows read for a post
    with a comment, at the benchmark's size)."""
    rows = compiled_rows(
        "comment_thread",
        lambda viewer, post: (
            Comment.objects.filter(post=post)
            .filter(comments_seen_on_visible_posts(_person(viewer)))
            .order_by("created", "id")
            .values_list(*_THREAD_COLUMNS, *_THREAD_AUTHOR_COLUMNS)
        ),
        viewer=viewer.pk,
        post=post.pk,
    )
    split = len(_THREAD_COLUMNS)
    comments = []
    for row in rows:
        comment = loaded(Comment, dict(zip(_THREAD_COLUMNS, row[:split], strict=True)))
        handle, display_name = row[split:]
        comment.author = loaded(
            User, {"id": comment.author_id, "handle": handle, "display_name": display_name}
        )
        comments.append(comment)
    replies: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.parent_id:
            replies.setdefault(comment.parent_id, []).append(comment)
    top = [comment for comment in comments if comment.parent_id is None]
    for comment in top:
        comment.visible_replies = replies.get(comment.pk, [])
    return top


def _encode(*parts) -> str:
    return base64.urlsafe_b64encode("|".join(str(part) for part in parts).encode()).decode()


def _decode(cursor: str, count: int) -> list[str] | None:
    try:
        parts = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
    except (ValueError, UnicodeDecodeError):
        return None
    return parts if len(parts) == count else None


def _latest_cursor(cursor: str) -> tuple[datetime, int] | tuple[None, None]:
    parts = _decode(cursor, 2) if cursor else None
    if parts:
        try:
            created, pk = datetime.fromisoformat(parts[0]), int(parts[1])
        except ValueError:
            return None, None
        if created.tzinfo is not None:
            return created, pk
    return None, None


def latest_page(source: Source, viewer, *, cursor: str = "") -> FeedPage:
    """One page of `source`, newest first, after `cursor` (a bad cursor means the first page)."""
    size = page_size()
    before, before_id = _latest_cursor(cursor)

    def newest(posts, *, before=None, before_id=None):
        if before is not None:
            # `created <= c` lets the index scan start at the cursor; the OR settles ties.
            posts = posts.filter(created__lte=before).filter(
                Q(created__lt=before) | Q(pk__lt=before_id)
            )
        return posts.order_by("-created", "-id").values_list("pk")[: size + 1]

    found = source.rows(("latest", size), newest, viewer, before=before, before_id=before_id)
    ids = [pk for (pk,) in found]
    rows = _cards(ids[:size], viewer)
    next_cursor = None
    if len(ids) > size and rows:
        last = rows[-1]
        next_cursor = _encode(last.created.isoformat(), last.pk)
    return FeedPage(posts=rows, next_cursor=next_cursor)


def _top_cursor(cursor: str) -> tuple[float | None, tuple[float, int] | None]:
    """The anchor (a timestamp) and the last (score, id) a Top cursor carries; (None, None)
    for the first page and for a cursor that does not parse."""
    parts = _decode(cursor, 3) if cursor else None
    if parts:
        try:
            anchor = float(parts[0])
            datetime.fromtimestamp(anchor, tz=UTC)
            return anchor, (float(parts[1]), int(parts[2]))
        except (ValueError, OverflowError, OSError):
            pass
    return None, None


def _ranked_window(source: Source, viewer, anchor: float) -> tuple[Ranking, Engagement]:
    """The newest TOP_WINDOW posts of `source` that `viewer` may see at `anchor`, by Top
    score (best first), and their engagement (which the page's cards reuse)."""
    at = datetime.fromtimestamp(anchor, tz=UTC)

    def newest_window(posts, *, anchor):
        return (
            posts.filter(created__lte=anchor)
            .annotate(age_hours=HoursSince("created", anchor))
            .order_by("-created", "-id")
            .values_list("pk", "author_id", "age_hours")[:TOP_WINDOW]
        )

    window = source.rows(("top", TOP_WINDOW), newest_window, viewer, anchor=at)
    seen = engagement(viewer, [row[0] for row in window], affinity_at=at)
    reactions: dict[int, int] = {}
    for (pk, _), count in seen.reactions.items():
        reactions[pk] = reactions.get(pk, 0) + count
    ranking = sorted(
        (
            (
                top_score(
                    reactions=reactions.get(pk, 0),
                    comments=seen.comments.get(pk, 0),
                    age_hours=age_hours,
                    interactions=seen.affinity.get(author_id, 0) if author_id != viewer.pk else 0,
                ),
                pk,
            )
            for pk, author_id, age_hours in window
        ),
        reverse=True,
    )
    return tuple(ranking), seen


# Candidates asked about beyond a page's own when its ranking was kept: the ones the policy
# now refuses (a post withheld or narrowed since) are skipped and the next ones fill in.
KEPT_SPARES = 10


def _still_visible(source: Source, viewer, ids: list[int]) -> set[int]:
    """Which of `ids` (a kept ranking's candidates) `viewer` may see in `source` now."""
    found = source.rows(
        "top_candidates",
        lambda posts, *, ids: posts.filter(IdIn("pk", ids)).values_list("pk"),
        viewer,
        ids=ids,
    )
    return {pk for (pk,) in found}


def top_page(source: Source, viewer, *, cursor: str = "") -> FeedPage:
    """One page of `source` by Top score, within the newest TOP_WINDOW at the cursor's anchor.

    The ranking of an anchor is kept for a minute (feeds.kept_rankings); a page drawn from a
    kept ranking asks the policy again which of its candidates the viewer may see now."""
    size = page_size()
    anchor, after = _top_cursor(cursor)
    found = kept_rankings.kept(source.key, viewer.pk, anchor=anchor)
    chosen, seen = None, None
    if found is not None:
        anchor = found.anchor
        candidates = [entry for entry in found.ranking if after is None or entry < after]
        asked = candidates[: size + 1 + KEPT_SPARES]
        visible = _still_visible(source, viewer, [pk for _, pk in asked]) if asked else set()
        chosen = [entry for entry in asked if entry[1] in visible][: size + 1]
        if len(chosen) <= size and len(candidates) > len(asked):
            # More of the page was refused than the spares cover: rank afresh.
            chosen = None
            kept_rankings.forget(viewer.pk)
    if chosen is None:
        anchor = anchor if anchor is not None else timezone.now().timestamp()
        ranking, seen = _ranked_window(source, viewer, anchor)
        kept_rankings.keep(source.key, viewer.pk, anchor=anchor, ranking=ranking)
        chosen = [entry for entry in ranking if after is None or entry < after][: size + 1]
    rows = _cards([pk for _, pk in chosen[:size]], viewer, known=seen)
    next_cursor = None
    if len(chosen) > size:
        last_score, last_pk = chosen[size - 1]
        next_cursor = _encode(anchor, repr(last_score), last_pk)
    return FeedPage(posts=rows, next_cursor=next_cursor, order=TOP)


def feed_page(source: Source, viewer, *, order: str, cursor: str = "") -> FeedPage:
    """A page of `source` in `order` ("latest" or "top")."""
    if order == TOP:
        return top_page(source, viewer, cursor=cursor)
    return latest_page(source, viewer, cursor=cursor)
