"""Who may do what in a community: one table, used by every view, service and the admin.

Access rules: a missing community and an unlisted community you are not an active member of
look the same (404). A listed community's public page is visible to anyone; everything else
needs an active membership whose role the table allows. Banned people, people who left,
non-members and signed-out visitors get nothing.

The viewer's membership is fetched once per request and cached on the request object, so
asking "may this person do X here" any number of times costs at most one query per request.
Nothing is cached across requests: a change of role or a ban applies on the next request.

Tier-gated content (posts, their comments and reactions, chat rooms) is for members whose tier
reaches the gate, and for the roles the SEE_EVERY_TIER row allows: the owner and admins run
the space, set its tiers and sell its exclusive content, so they see every tier of it.
Moderators do not: a tier is what members are granted, and a moderator (often a volunteer
member) needs no tier to moderate, because what they must judge (reported or withheld content)
is already before them whatever its audience (feeds/policy.py, "before the moderators").
`reaches_tier` writes that condition once; the audience policy and chat's read rule use it.
Circles are not tiers: nobody's role opens someone else's circle.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.db.models.lookups import IsNull
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from communities.models import Community, Membership, MembershipStatus, Role, Tier
from sosoon_site.accounts.models import User
from sosoon_site.compiled_queries import compiled_rows, loaded


class Action(StrEnum):
    VIEW = "view"
    INVITE = "invite"
    APPROVE_REQUESTS = "approve_requests"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_TIERS = "manage_tiers"
    MANAGE_CROSSPOSTS = "manage_crossposts"
    MANAGE_ROOMS = "manage_rooms"
    MODERATE = "moderate"
    SEE_EVERY_TIER = "see_every_tier"
    EDIT_SETTINGS = "edit_settings"
    VIEW_INSIGHTS = "view_insights"
    MANAGE_PARTNERS = "manage_partners"
    TRANSFER_OWNERSHIP = "transfer_ownership"
    DELETE_COMMUNITY = "delete_community"


_STAFF = frozenset({Role.OWNER, Role.ADMIN})
PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.VIEW: frozenset({Role.OWNER, Role.ADMIN, Role.MODERATOR, Role.MEMBER}),
    Action.INVITE: frozenset({Role.OWNER, Role.ADMIN, Role.MODERATOR}),
    Action.APPROVE_REQUESTS: _STAFF,
    Action.MANAGE_MEMBERS: _STAFF,
    Action.MANAGE_TIERS: _STAFF,
    Action.MANAGE_CROSSPOSTS: _STAFF,
    Action.MANAGE_ROOMS: _STAFF,
    Action.MODERATE: frozenset({Role.OWNER, Role.ADMIN, Role.MODERATOR}),
    Action.SEE_EVERY_TIER: _STAFF,
    Action.EDIT_SETTINGS: _STAFF,
    Action.VIEW_INSIGHTS: _STAFF,
    Action.MANAGE_PARTNERS: _STAFF,
    Action.TRANSFER_OWNERSHIP: frozenset({Role.OWNER}),
    Action.DELETE_COMMUNITY: frozenset({Role.OWNER}),
}

_CACHE_ATTRIBUTE = "_community_memberships"


def sees_every_tier() -> Q:
    """The condition on a Membership row that its role sees every tier's content and rooms
    (the SEE_EVERY_TIER row: the people who run the space). Callers add the community and
    the active status."""
    return Q(role__in=PERMISSIONS[Action.SEE_EVERY_TIER])


def reaches_tier(rank) -> Q:
    """The condition on a Membership row that its person may see content gated at `rank` (a
    value or an expression such as an OuterRef): their tier ranks at or above it, or their
    role sees every tier. A gate whose tier is gone (`rank` NULL) is reached by nobody, so
    deleting a tier never opens its content to more people. Callers add the community and
    the active status."""
    return Q(tier__rank__gte=rank) | (sees_every_tier() & Q(IsNull(rank, False)))


def role_may(membership: Membership | None, action: Action) -> bool:
    """Whether `membership` (None for outsiders) allows `action`. Pure: no queries."""
    return (
        membership is not None
        and membership.is_active
        and membership.role in PERMISSIONS[Action(action)]
    )


def viewer_membership(request: HttpRequest, community: Community) -> Membership | None:
    """The signed-in viewer's membership row in `community` (any status), or None.

    One query the first time per request and community, none after.
    """
    cache = request.__dict__.setdefault(_CACHE_ATTRIBUTE, {})
    if community.pk not in cache:
        user = request.user
        cache[community.pk] = _membership(user.pk, community.pk) if user.is_authenticated else None
    return cache[community.pk]


def _fields(model) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


def _membership(user_id: int, community_id: int) -> Membership | None:
    """The membership row with its tier, through a query compiled once per process: every
    community page asks, and building the query cost more than running it."""
    own, tier = _fields(Membership), _fields(Tier)
    rows = compiled_rows(
        "viewer-membership",
        lambda user, community: (
            Membership.objects.filter(user=user, community=community)
            .order_by()
            .values_list(*own, *(f"tier__{name}" for name in tier))[:1]
        ),
        user=user_id,
        community=community_id,
    )
    if not rows:
        return None
    membership = loaded(Membership, dict(zip(own, rows[0][: len(own)], strict=True)))
    tier_values = dict(zip(tier, rows[0][len(own) :], strict=True))
    membership.tier = loaded(Tier, tier_values) if tier_values["id"] is not None else None
    return membership


def forget_viewer_membership(request: HttpRequest, community: Community) -> None:
    """Drop the cached membership after the request itself changed it (join, leave)."""
    request.__dict__.get(_CACHE_ATTRIBUTE, {}).pop(community.pk, None)


def may(request: HttpRequest, community: Community, action: Action) -> bool:
    """Whether the viewer may do `action` in `community`."""
    return role_may(viewer_membership(request, community), action)


def is_active_member(request: HttpRequest, community: Community) -> bool:
    membership = viewer_membership(request, community)
    return membership is not None and membership.is_active


def access_community(request: HttpRequest, slug: str) -> Community:
    """The community at `slug` if the viewer may know it exists; Http404 otherwise.

    Missing, and unlisted-without-an-active-membership, raise the same Http404.
    """
    community = _community_by_slug(slug)
    if community is None:
        raise Http404("No such community.")
    if not community.is_listed and not is_active_member(request, community):
        raise Http404("No such community.")
    return community


def _community_by_slug(slug: str) -> Community | None:
    """The community at `slug` with its owner, through a query compiled once per process."""
    own, owner = _fields(Community), _fields(User)
    rows = compiled_rows(
        "community-by-slug",
        lambda slug: (
            Community.objects.filter(slug=slug)
            .order_by()
            .values_list(*own, *(f"owner__{name}" for name in owner))[:1]
        ),
        slug=slug,
    )
    if not rows:
        return None
    community = loaded(Community, dict(zip(own, rows[0][: len(own)], strict=True)))
    community.owner = loaded(User, dict(zip(owner, rows[0][len(own) :], strict=True)))
    return community


def require(request: HttpRequest, community: Community, action: Action) -> Membership:
    """The viewer's membership if it allows `action`; otherwise Http404 where the community
    must stay invisible (unlisted), PermissionDenied where it is already visible."""
    membership = viewer_membership(request, community)
    if role_may(membership, action):
        return membership
    if not community.is_listed and not (membership and membership.is_active):
        raise Http404("No such community.")
    raise PermissionDenied(_("Your role here does not allow that."))


def community_for(request: HttpRequest, slug: str, action: Action) -> tuple[Community, Membership]:
    """`access_community` then `require`: what most member-only views start with."""
    community = access_community(request, slug)
    return community, require(request, community, action)


def page_context(request: HttpRequest, community: Community) -> dict:
    """What every community page's header needs: the viewer's membership and a `can` map of
    every action, from the cached membership (no extra queries)."""
    membership = viewer_membership(request, community)
    return {
        "community": community,
        "nav_membership": membership if membership and membership.is_active else None,
        "can": {action.value: may(request, community, action) for action in Action},
    }


def communities_where(user, action: Action) -> QuerySet:
    """Communities in which `user` may do `action` now, as SQL (for querysets)."""
    return Community.objects.filter(
        memberships__user=user,
        memberships__status=MembershipStatus.ACTIVE,
        memberships__role__in=PERMISSIONS[Action(action)],
    )


def people_who_may(action: Action, community_id: int) -> QuerySet:
    """The people who may do `action` in the community now, as SQL (for querysets)."""
    return User.objects.filter(
        memberships__community=community_id,
        memberships__status=MembershipStatus.ACTIVE,
        memberships__role__in=PERMISSIONS[Action(action)],
    )
