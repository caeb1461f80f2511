"""The audience policy: who may see a post, its comments and its reactions. The only place.

The rules (docs in ARCHITECTURE.md, "The audience policy") are written once, in `_may_see`, as
one SQL condition over two sides: the post (its audience, community, author, tier, circle) and
the viewer. Each side is either a column of the query being filtered or a constant, so the
same condition gives both forms:

- the queryset form, `Post.objects.visible_to(user)`: the viewer is a constant, the post's
  terms are columns of the post table;
- the reverse form, `audience_of(post)`: the post is a constant (it need not be saved yet, so
  the composer can count its audience), the viewer's terms are columns of the user table.

`access_post` is the single-object form for detail views: one boring Http404 for missing and
forbidden alike. Everything is decided when read, never copied when written: leaving, a ban, a
tier change, a circle change, a block or an audience change apply on the next query.

The reading of the rules:
1. community: active members of the post's community;
2. tier: active members whose tier ranks at or above the post's minimum tier;
3. circle: the people in the author's circle who are active members of the community;
4. public: anyone, signed in or not, while the community allows public teasers;
and the author sees their own posts while an active member (rule 3's "plus the author",
applied to every audience, so demoting an author never hides what they wrote from them).
Blocks in either direction between viewer and author hide the post whatever the audience.
Moderators and owners follow the same rules; seeing a reported circle post is the moderation
queue's business (it keeps a snapshot), not this policy's. Site superusers see everything only
in Django admin, which bypasses this module for them.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.lookups import Exact
from django.http import Http404

from communities.models import Membership, MembershipStatus
from feeds.models import Audience, CircleMember, Comment, Post, Reaction
from sosoon_site.accounts.blocks import blocked_user_ids
from sosoon_site.accounts.models import User


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
    viewer: Any
    viewer_inner: Any
    blocked: Q


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
    at_tier = Q(Exists(active_member.filter(tier__rank__gte=terms.min_rank_inner)))
    in_circle = Q(
        Exists(CircleMember.objects.filter(circle=terms.circle_inner, user=terms.viewer_inner))
    )
    is_author = Q(Exact(terms.author, terms.viewer))
    public = audience_is(Audience.PUBLIC) & Q(Exact(terms.teasers_allowed, Value(True)))
    members = is_member & (
        is_author
        | audience_is(Audience.COMMUNITY)
        | (audience_is(Audience.TIER) & at_tier)
        | (audience_is(Audience.CIRCLE) & in_circle)
    )
    return (public | members) & ~terms.blocked


def _viewer_constant_terms(user) -> _Terms:
    """The queryset form's terms: columns of the post table, `user` as a constant."""
    viewer = user.pk if user.is_authenticated else None
    return _Terms(
        audience=F("audience"),
        author=F("author_id"),
        teasers_allowed=F("community__allow_public_teasers"),
        community_inner=OuterRef("community_id"),
        min_rank_inner=OuterRef("min_tier__rank"),
        circle_inner=OuterRef("circle_id"),
        # A signed-out visitor is nobody's member, author or circle person: only the public
        # rule can hold, and NULL never equals an id.
        viewer=Value(viewer),
        viewer_inner=viewer,
        blocked=Q(author_id__in=blocked_user_ids(user)),
    )


def _post_constant_terms(post: Post) -> _Terms:
    """The reverse form's terms: `post` (saved or not) as constants, columns of the user table."""
    return _Terms(
        audience=Value(post.audience),
        author=Value(post.author_id),
        teasers_allowed=Value(post.community.allow_public_teasers),
        community_inner=post.community_id,
        min_rank_inner=Value(post.min_tier.rank if post.min_tier_id else None),
        circle_inner=post.circle_id,
        viewer=F("pk"),
        viewer_inner=OuterRef("pk"),
        blocked=Q(pk__in=blocked_user_ids(post.author)),
    )


def visible_posts_filter(user) -> Q:
    """The condition behind `Post.objects.visible_to(user)`."""
    return _may_see(_viewer_constant_terms(user))


def audience_of(post: Post) -> QuerySet:
    """The people who may see `post` now (signed-out visitors aside: a public post reaches
    them too). `post` may be unsaved: the composer counts a draft's audience with this."""
    return User.objects.filter(_may_see(_post_constant_terms(post)))


def access_post(user, post_id) -> Post:
    """The post if `user` may see it now; Http404 for missing and forbidden alike."""
    try:
        post_id = int(post_id)
    except (TypeError, ValueError):
        raise Http404("No such post.") from None
    post = (
        Post.objects.visible_to(user)
        .filter(pk=post_id)
        .select_related("author", "community", "min_tier", "circle")
        .first()
    )
    if post is None:
        raise Http404("No such post.")
    return post


def comments_seen_on_visible_posts(user) -> Q:
    """Of the comments on a post `user` may see, the ones they may see: none by people blocked
    either way, nor replies to such people's comments (a reply's audience is its parent's).

    For surfaces that start from posts already filtered by `visible_to` (a feed page's
    counts), so the post rule is not evaluated twice per row."""
    blocked = blocked_user_ids(user)
    return ~Q(author_id__in=blocked) & ~Q(parent__author_id__in=blocked)


def visible_comments_filter(user) -> Q:
    """Comments `user` may see now: on a post they may see, and not hidden by a block."""
    return Q(post__in=Post.objects.visible_to(user).values("pk")) & comments_seen_on_visible_posts(
        user
    )


def reactions_seen_on_visible_posts(user) -> Q:
    """Of the reactions on a post `user` may see, the ones they may see (no blocked people)."""
    return ~Q(user_id__in=blocked_user_ids(user))


def visible_reactions_filter(user) -> Q:
    """Reactions `user` may see now: on a post they may see, and not hidden by a block."""
    return Q(post__in=Post.objects.visible_to(user).values("pk")) & reactions_seen_on_visible_posts(
        user
    )


def comment_audience_of(comment: Comment) -> QuerySet:
    """The people who may see `comment` now: the post's audience, minus people blocked either
    way with its author (and with its parent's author, for a reply)."""
    people = audience_of(comment.post).exclude(pk__in=blocked_user_ids(comment.author))
    if comment.parent_id:
        people = people.exclude(pk__in=blocked_user_ids(comment.parent.author))
    return people


def reaction_audience_of(reaction: Reaction) -> QuerySet:
    """The people who may see `reaction` now."""
    return audience_of(reaction.post).exclude(pk__in=blocked_user_ids(reaction.user))
