"""The audience policy: who may see a post, its comments and its reactions. The only place.

The rules (docs/architecture.md, "The audience policy") are written once, in `_may_see`, as
one SQL condition over two sides: the post (its audience, community, author, tier, circle) and
the viewer. Each side is either a column of the query being filtered or a constant, so the
same condition gives both forms:

- the queryset form, `Post.objects.visible_to(user)`: the viewer is a constant, the post's
  terms are columns of the post table;
- the reverse form, `audience_of(post)`: the post is a constant (it need not be saved yet, so
  the composer can count its audience), the viewer's terms are columns of the user table;
- the batched reverse form, `audience_sizes(posts)`: how many people may see each of many
  posts, the post's terms columns of the post table and the viewer's of the user table
  below it, for counts over a whole day of posts (Insights' roll-up).

The querysets (`PostQuerySet`, `CommentQuerySet`, `ReactionQuerySet`) are defined here and
the models take them from here, so the models import the policy and never the reverse.

`access_post` is the single-object form for detail views: one boring Http404 for missing and
forbidden alike.

A post may carry a release ladder (feeds.releases): its own audience is the opening step, and
each `ReleaseStep` widens it from its time on. The rules read the post's audience and minimum
tier as "the latest step reached by `now`, else the post's own" (`_current`), in SQL, so the
audience is right at a step's time without any job. `now` is a parameter of every form
(`visible_to(user, now=...)`, `audience_of(post, now=...)`), the present by default: a query
compiled once per process (sosoon_site/compiled_queries.py) passes it as one of its values,
and the release job asks who was in the audience just before a step.

Everything is decided when read, never copied when written: leaving, a ban, a tier change, a
circle change, a block or an audience change apply on the next query.

The reading of the rules:
1. community: active members of the post's community;
2. tier: active members whose tier ranks at or above the post's minimum tier, and the
   community's owner and admins, who run the space and see every tier of it (the
   SEE_EVERY_TIER row of the role table, read through `communities.permissions.reaches_tier`,
   which chat's rooms use too). Moderators are not in that row: a tier post reaches them
   through their own tier, or through "before the moderators" below once it is reported or
   withheld;
3. circle: the people in the author's circle who are active members of the community (no
   role opens a circle: the owner sees a circle post only as a moderator, below);
4. public: anyone, signed in or not, while the community allows public teasers;
and the author sees their own posts while an active member (rule 3's "plus the author",
applied to every audience, so demoting an author never hides what they wrote from them).
Blocks in either direction between viewer and author hide the post whatever the audience.

Moderation narrows and, for one post at a time, widens what the rules give:
- withheld (a `WithheldContent` row: held for review by auto-moderation, or hidden by a
  moderator or by enough reports) posts and comments are seen by nobody the rules let in
  except their author, until approved or unhidden;
- "before the moderators": the community's moderators, admins and owner (the MODERATE row of
  the role table) see a post or comment that is withheld or has an open report, whatever its
  audience and whatever blocks, so they can judge and act on it, and nobody can escape review
  by blocking a moderator.
That second clause is how rule 8 reads here: moderators see a circle post only once a member
reports it, and then that one post, live (post page, its comments and reactions, and it may
show in their feeds), for as long as the report is open; never the rest of the circle. Closing
the report takes the post away from them again, unless the action withheld it (a hidden post
stays before them, so they can unhide it). The queue itself shows the report's snapshot.
Held posts are before them too: a held circle post must be judged by someone, and the holds
(the word filter, new members' first posts) are the community's own rules. Site superusers
see everything only in Django admin, which bypasses this module for them.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Membership, MembershipStatus
from communities.moderation.models import Report, ReportStatus, WithheldContent
from communities.permissions import PERMISSIONS, Action, reaches_tier
from sosoon_site.accounts.blocks import blocked_user_ids, ids_blocked_with
from sosoon_site.accounts.models import User

if TYPE_CHECKING:
    from feeds.models import Comment, Post, Reaction

# The labels posts and comments are registered under as content (feeds.content): reports,
# withheld rows and notifications point at them by label and id.
POST_LABEL = "post"
COMMENT_LABEL = "comment"


class Audience(models.TextChoices):
    COMMUNITY = "community", _("Everyone in the community")
    TIER = "tier", _("Members at or above a tier")
    CIRCLE = "circle", _("One of my circles")
    PUBLIC = "public", _("Public teaser (anyone, even signed out)")


class PostQuerySet(models.QuerySet):
    def visible_to(self, user, *, now=None) -> "PostQuerySet":
        """Posts `user` may see now, or at `now` (removed ones included: they show as
        removed). Every list surface starts here."""
        return self.filter(visible_posts_filter(user, now=now))

    def live(self) -> "PostQuerySet":
        """Posts that are not removed."""
        return self.filter(deleted__isnull=True)


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user, *, now=None) -> "CommentQuerySet":
        """Comments `user` may see now, or at `now`."""
        return self.filter(visible_comments_filter(user, now=now))


class ReactionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ReactionQuerySet":
        """Reactions `user` may see now."""
        return self.filter(visible_reactions_filter(user))


def _feeds_model(name: str) -> type[models.Model]:
    """A feeds model, looked up when a rule is built: the models take their querysets from
    this module, so it cannot import them."""
    return apps.get_model("feeds", name)


@dataclass(frozen=True)
class _Terms:
    """Where each term of the rules comes from in one form of the policy.

    `*_inner` terms are used inside the rules' subqueries (one level down), so columns of the
    outer query appear there as OuterRef; constants are the same at both levels.
    """

    audience: Any
    author: Any
    teasers_allowed: Any
    community_inner: Any
    min_rank_inner: Any
    circle_inner: Any
    post_inner: Any
    viewer: Any
    viewer_inner: Any
    blocked: Q


def _current(field: str, *, staged, post, now, own):
    """A post's `field` ("audience", or "min_tier__rank") as its release ladder has it at
    `now`: the latest step reached, else `own` (the post's own, the opening step). A post
    that is not `staged` (a column, or a constant in the reverse form) has no steps to read. A
    reached step whose tier is gone gives NULL, and the post's own (narrower) tier stands in:
    deleting a tier opens nothing."""
    if staged is False:
        return own
    reached = (
        _feeds_model("ReleaseStep")
        .objects.filter(post=post, at__lte=now)
        .order_by("-at")
        .values(field)[:1]
    )
    if staged is True:
        return Coalesce(Subquery(reached), own)
    return Case(
        When(Q(Exact(staged, Value(True))), then=Coalesce(Subquery(reached), own)), default=own
    )


def audience_now(now) -> dict[str, Any]:
    """Annotations for a post card's badge: `audience_now` and `tier_name_now`, the post's
    audience and its tier's name as its release ladder has them at `now` (its own without a
    ladder), read like the rules read them."""
    return {
        "audience_now": _current(
            "audience", staged=F("staged"), post=OuterRef("pk"), now=now, own=F("audience")
        ),
        "tier_name_now": _current(
            "min_tier__name",
            staged=F("staged"),
            post=OuterRef("pk"),
            now=now,
            own=F("min_tier__name"),
        ),
    }


def _withheld(label: str, target_inner) -> Q:
    return Q(Exists(WithheldContent.objects.filter(target_label=label, target_id=target_inner)))


def _reported(label: str, target_inner) -> Q:
    return Q(
        Exists(
            Report.objects.filter(
                target_label=label, target_id=target_inner, status=ReportStatus.OPEN
            )
        )
    )


def _moderation(
    label: str, *, target_inner, community_inner, author, viewer, viewer_inner
) -> tuple[Q, Q]:
    """The moderation clauses for one piece of content, in the same two-sided terms as the
    rules: (released, before_moderators). `released` is true unless the content is withheld
    from the viewer (held or hidden, and not theirs); `before_moderators` is true where the
    viewer moderates the community and the content is withheld or has an open report."""
    withheld = _withheld(label, target_inner)
    reported = _reported(label, target_inner)
    moderates = Q(
        Exists(
            Membership.objects.filter(
                user=viewer_inner,
                community=community_inner,
                status=MembershipStatus.ACTIVE,
                role__in=PERMISSIONS[Action.MODERATE],
            )
        )
    )
    released = ~withheld | Q(Exact(author, viewer))
    return released, moderates & (reported | withheld)


def _may_see(terms: _Terms) -> Q:
    """The rules, once. True where the viewer may see the post now."""
    active_member = Membership.objects.filter(
        user=terms.viewer_inner,
        community=terms.community_inner,
        status=MembershipStatus.ACTIVE,
    )

    def audience_is(audience: Audience) -> Q:
        return Q(Exact(terms.audience, Value(audience.value)))

    is_member = Q(Exists(active_member))
    at_tier = Q(Exists(active_member.filter(reaches_tier(terms.min_rank_inner))))
    in_circle = Q(
        Exists(
            _feeds_model("CircleMember").objects.filter(
                circle=terms.circle_inner, user=terms.viewer_inner
            )
        )
    )
    is_author = Q(Exact(terms.author, terms.viewer))
    public = audience_is(Audience.PUBLIC) & Q(Exact(terms.teasers_allowed, Value(True)))
    members = is_member & (
        is_author
        | audience_is(Audience.COMMUNITY)
        | (audience_is(Audience.TIER) & at_tier)
        | (audience_is(Audience.CIRCLE) & in_circle)
    )
    released, before_moderators = _moderation(
        POST_LABEL,
        target_inner=terms.post_inner,
        community_inner=terms.community_inner,
        author=terms.author,
        viewer=terms.viewer,
        viewer_inner=terms.viewer_inner,
    )
    return ((public | members) & ~terms.blocked & released) | before_moderators


def _viewer_constant_terms(user, now) -> _Terms:
    """The queryset form's terms: columns of the post table, `user` and `now` as constants."""
    viewer = user.pk if user.is_authenticated else None
    return _Terms(
        audience=_current(
            "audience", staged=F("staged"), post=OuterRef("pk"), now=now, own=F("audience")
        ),
        author=F("author_id"),
        teasers_allowed=F("community__allow_public_teasers"),
        community_inner=OuterRef("community_id"),
        min_rank_inner=_current(
            "min_tier__rank",
            staged=OuterRef("staged"),
            post=OuterRef(OuterRef("pk")),
            now=now,
            own=OuterRef("min_tier__rank"),
        ),
        circle_inner=OuterRef("circle_id"),
        post_inner=OuterRef("pk"),
        # A signed-out visitor is nobody's member, author or circle person: only the public
        # rule can hold, and NULL never equals an id.
        viewer=Value(viewer),
        viewer_inner=viewer,
        blocked=Q(author_id__in=blocked_user_ids(user)),
    )


def _post_constant_terms(post: "Post", now) -> _Terms:
    """The reverse form's terms: `post` (saved or not) and `now` as constants, columns of the
    user table."""
    staged = bool(post.staged and post.pk)
    return _Terms(
        audience=_current(
            "audience", staged=staged, post=post.pk, now=now, own=Value(post.audience)
        ),
        author=Value(post.author_id),
        teasers_allowed=Value(post.community.allow_public_teasers),
        community_inner=post.community_id,
        min_rank_inner=_current(
            "min_tier__rank",
            staged=staged,
            post=post.pk,
            now=now,
            own=Value(post.min_tier.rank if post.min_tier_id else None),
        ),
        circle_inner=post.circle_id,
        # An unsaved draft has no id: nothing is withheld or reported about it.
        post_inner=post.pk,
        viewer=F("pk"),
        viewer_inner=OuterRef("pk"),
        blocked=Q(pk__in=blocked_user_ids(post.author)),
    )


def visible_posts_filter(user, *, now=None) -> Q:
    """The condition behind `Post.objects.visible_to(user)`: at `now`, the present by default."""
    return _may_see(_viewer_constant_terms(user, timezone.now() if now is None else now))


def audience_of(post: "Post", *, now=None) -> QuerySet:
    """The people who may see `post` now, or at `now` (signed-out visitors aside: a public
    post reaches them too). `post` may be unsaved: the composer counts a draft's audience
    with this."""
    terms = _post_constant_terms(post, timezone.now() if now is None else now)
    return User.objects.filter(_may_see(terms))


def _with_post_terms(posts: QuerySet, now) -> QuerySet:
    """`posts` with the terms the batched form reads from each of them: its audience and
    minimum tier's rank as its release ladder has them at `now`, and its community's
    teaser setting."""
    return posts.annotate(
        audience_then=_current(
            "audience", staged=F("staged"), post=OuterRef("pk"), now=now, own=F("audience")
        ),
        min_rank_then=_current(
            "min_tier__rank",
            staged=F("staged"),
            post=OuterRef("pk"),
            now=now,
            own=F("min_tier__rank"),
        ),
        teasers_then=F("community__allow_public_teasers"),
    )


def _post_column_terms(*, named: bool) -> _Terms:
    """The batched form's terms: the post is a row of the outer query (`_with_post_terms`),
    the viewer a column of the user table in a subquery below it. With `named` False the
    post's author and circle are left out: nobody is its author, in its circle or blocked by
    its author."""

    def post(column: str) -> OuterRef:
        # The rules' own subqueries sit one level below the user table.
        return OuterRef(OuterRef(column))

    return _Terms(
        audience=OuterRef("audience_then"),
        author=OuterRef("author_id") if named else Value(None, output_field=IntegerField()),
        teasers_allowed=OuterRef("teasers_then"),
        community_inner=post("community_id"),
        min_rank_inner=post("min_rank_then"),
        circle_inner=post("circle_id") if named else None,
        post_inner=post("pk"),
        viewer=F("pk"),
        viewer_inner=OuterRef("pk"),
        blocked=Q(pk__in=ids_blocked_with(post("author_id"))) if named else Q(pk__in=[]),
    )


class _Total(Subquery):
    """The sum of a subquery's one column `n` (0 without rows), as a column of the outer
    query."""

    template = "(SELECT COALESCE(SUM(totalled.n), 0) FROM (%(subquery)s) AS totalled)"
    output_field = IntegerField()


def _named_people_difference() -> Any:
    """For the outer query's post: of the people its author and circle name (the author, the
    people blocked with the author, the circle's people), how many more the rules let in with
    them than without them (negative where they shut people out)."""
    author = OuterRef("author_id")
    blocked = Q(pk__in=ids_blocked_with(OuterRef(OuterRef("author_id"))))
    in_circle = Q(
        pk__in=_feeds_model("CircleMember")
        .objects.filter(circle=OuterRef(OuterRef("circle_id")))
        .values("user")
    )
    difference = Case(When(_may_see(_post_column_terms(named=True)), then=1), default=0) - Case(
        When(_may_see(_post_column_terms(named=False)), then=1), default=0
    )
    # Three parts that do not overlap, each found through an index.
    parts = [Q(pk=author), blocked & ~Q(pk=author), in_circle & ~Q(pk=author) & ~blocked]
    return sum(
        (_Total(User.objects.filter(part).annotate(n=difference).values("n")) for part in parts),
        start=Value(0),
    )


def audience_sizes(posts: QuerySet, *, now=None) -> dict[int, int]:
    """How many people may see each of `posts` (saved posts) now, or at `now`: for each,
    `audience_of(post, now=now).count()`, in two queries however many posts there are.

    The same rules, `_may_see`, read in two passes. A post's author and circle enter the
    rules only through the people they name: the author, the people blocked with the author,
    the circle's people. Everyone else is judged alike for all posts of the same community,
    audience, tier, teaser setting and moderation state (a kind of post), so one pass counts
    each kind once, with author and circle left out; the other judges, for each post, only
    the people its author and circle name, with and without them, and gives the
    difference."""
    now = timezone.now() if now is None else now
    posts = _with_post_terms(posts.order_by(), now).annotate(
        withheld_now=ExpressionWrapper(
            _withheld(POST_LABEL, OuterRef("pk")), output_field=BooleanField()
        ),
        reported_now=ExpressionWrapper(
            _reported(POST_LABEL, OuterRef("pk")), output_field=BooleanField()
        ),
        named_difference=_named_people_difference(),
    )
    kinds: dict[tuple, int] = {}
    of: dict[int, tuple[tuple, int]] = {}
    for pk, difference, *kind in posts.values_list(
        "pk",
        "named_difference",
        "community_id",
        "audience_then",
        "min_rank_then",
        "teasers_then",
        "withheld_now",
        "reported_now",
    ):
        kind = tuple(kind)
        kinds.setdefault(kind, pk)
        of[pk] = (kind, difference)
    if not of:
        return {}
    everyone = User.objects.filter(_may_see(_post_column_terms(named=False)))
    alike = dict(
        _with_post_terms(_feeds_model("Post").objects.filter(pk__in=list(kinds.values())), now)
        .annotate(size=_Total(everyone.annotate(n=Value(1)).values("n")))
        .values_list("pk", "size")
    )
    return {pk: alike[kinds[kind]] + difference for pk, (kind, difference) in of.items()}


def access_post(user, post_id) -> "Post":
    """The post if `user` may see it now; Http404 for missing and forbidden alike."""
    try:
        post_id = int(post_id)
    except (TypeError, ValueError):
        raise Http404("No such post.") from None
    post = (
        _feeds_model("Post")
        .objects.visible_to(user)
        .filter(pk=post_id)
        .select_related("author", "community", "min_tier", "circle")
        .first()
    )
    if post is None:
        raise Http404("No such post.")
    return post


def _comment_may_see(
    *, on_post: Q, blocked: Q, author, viewer, comment_inner, community_inner, viewer_inner
) -> Q:
    """The comment rules, once, in two-sided terms like `_may_see`: on a post the viewer may
    see (`on_post`), by nobody blocked either way with the viewer, nor a reply to such a
    person (a reply's audience is its parent's; `blocked`), and not withheld from them; or
    before them as a moderator (see the module docstring)."""
    released, before_moderators = _moderation(
        COMMENT_LABEL,
        target_inner=comment_inner,
        community_inner=community_inner,
        author=author,
        viewer=viewer,
        viewer_inner=viewer_inner,
    )
    return (on_post & ~blocked & released) | before_moderators


def _comment_viewer_constant(user, on_post: Q) -> Q:
    blocked = blocked_user_ids(user)
    viewer = user.pk if user.is_authenticated else None
    return _comment_may_see(
        on_post=on_post,
        blocked=Q(author_id__in=blocked) | Q(parent__author_id__in=blocked),
        author=F("author_id"),
        viewer=Value(viewer),
        comment_inner=OuterRef("pk"),
        community_inner=OuterRef("post__community_id"),
        viewer_inner=viewer,
    )


def comments_seen_on_visible_posts(user) -> Q:
    """Of the comments on a post `user` may see, the ones they may see.

    For surfaces that start from posts already filtered by `visible_to` (a feed page's
    counts), so the post rule is not evaluated twice per row."""
    return _comment_viewer_constant(user, Q())


def visible_comments_filter(user, *, now=None) -> Q:
    """Comments `user` may see now, or at `now` (the queryset form of the comment rules)."""
    posts = _feeds_model("Post").objects.visible_to(user, now=now)
    return _comment_viewer_constant(user, Q(post__in=posts.values("pk")))


def reactions_seen_on_visible_posts(user) -> Q:
    """Of the reactions on a post `user` may see, the ones they may see (no blocked people)."""
    return ~Q(user_id__in=blocked_user_ids(user))


def visible_reactions_filter(user) -> Q:
    """Reactions `user` may see now: on a post they may see, and not hidden by a block."""
    posts = _feeds_model("Post").objects.visible_to(user)
    return Q(post__in=posts.values("pk")) & reactions_seen_on_visible_posts(user)


def comment_audience_of(comment: "Comment") -> QuerySet:
    """The people who may see `comment` now (the reverse form of the comment rules)."""
    blocked = Q(pk__in=blocked_user_ids(comment.author))
    if comment.parent_id:
        blocked |= Q(pk__in=blocked_user_ids(comment.parent.author))
    return User.objects.filter(
        _comment_may_see(
            on_post=Q(pk__in=audience_of(comment.post).values("pk")),
            blocked=blocked,
            author=Value(comment.author_id),
            viewer=F("pk"),
            comment_inner=comment.pk,
            community_inner=comment.post.community_id,
            viewer_inner=OuterRef("pk"),
        )
    )


def reaction_audience_of(reaction: "Reaction") -> QuerySet:
    """The people who may see `reaction` now."""
    return audience_of(reaction.post).exclude(pk__in=blocked_user_ids(reaction.user))
