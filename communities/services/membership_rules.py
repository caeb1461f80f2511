"""Rules shared by every service that puts a person into a community or acts on a member."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from communities.models import ROLE_RANK, Community, Membership, MembershipStatus, Role, Tier
from communities.permissions import Action, role_may


def authorise(actor: Membership | None, action: Action) -> Membership:
    """`actor` if its role allows `action`; PermissionDenied otherwise."""
    if not role_may(actor, action):
        raise PermissionDenied(_("Your role here does not allow that."))
    return actor


def may_grant(actor: Membership, role: str) -> bool:
    """People hand out only roles below their own; the owner role is never handed out."""
    return role != Role.OWNER and ROLE_RANK[actor.role] > ROLE_RANK[role]


def require_outranks(actor: Membership, target: Membership) -> None:
    """Nobody acts on themselves, on the owner, or on someone of equal or higher role."""
    if target.pk == actor.pk:
        raise ValidationError(_("Use Leave to step out; you cannot change your own membership."))
    if target.role == Role.OWNER:
        raise ValidationError(_("The owner cannot be removed, banned or changed."))
    if ROLE_RANK[actor.role] <= ROLE_RANK[target.role]:
        raise PermissionDenied(_("You can only act on members below your own role."))


def require_tier_of(community: Community, tier: Tier) -> Tier:
    if tier.community_id != community.pk:
        raise ValidationError(_("That tier belongs to another community."))
    return tier


def base_tier(community: Community) -> Tier:
    return community.tiers.order_by("rank").first()


def lock_community(community: Community) -> Community:
    """Re-read `community` holding its row lock, so member-cap and max-uses checks are not
    raced. A no-op on SQLite, where write transactions are serialised anyway.
    Caller is inside transaction.atomic()."""
    return Community.objects.select_for_update().get(pk=community.pk)


def is_full(community: Community) -> bool:
    """Whether the member cap is reached. Caller holds the community lock when it matters."""
    if community.member_cap is None:
        return False
    active = community.memberships.filter(status=MembershipStatus.ACTIVE).count()
    return active >= community.member_cap


def do_add_member(
    user,
    community: Community,
    *,
    role: str = Role.MEMBER,
    tier: Tier | None = None,
    invitation=None,
    join_request=None,
) -> Membership:
    """Make `user` an active member, reusing the row of someone who left.

    Caller holds the community lock and has checked bans and the member cap.
    """
    tier = tier or base_tier(community)
    membership = Membership.objects.filter(user=user, community=community).first()
    if membership is None:
        membership = Membership(user=user, community=community)
    membership.role = role
    membership.tier = tier
    membership.status = MembershipStatus.ACTIVE
    membership.joined_via_invitation = invitation
    membership.joined_via_request = join_request
    membership.save()
    return membership
