"""Acting on members: roles, tiers, removal, bans, leaving and ownership.

The owner cannot be removed, banned or demoted; ownership moves only to an active admin, and
the former owner becomes an admin. A ban keeps the membership row with status banned, which
every way back in (invitations, join requests) refuses.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from communities.models import Community, Membership, MembershipStatus, Role, Tier
from communities.permissions import Action
from communities.services.membership_rules import (
    authorise,
    base_tier,
    may_grant,
    require_outranks,
    require_tier_of,
)
from communities.signals import announce_membership_change


def do_change_role(membership: Membership, role: str) -> Membership:
    membership.role = role
    membership.save(update_fields=["role"])
    announce_membership_change(membership, "role")
    return membership


def check_change_role(actor: Membership, target: Membership, role: str) -> Membership:
    authorise(actor, Action.MANAGE_MEMBERS)
    require_outranks(actor, target)
    if role not in Role.values or not may_grant(actor, role):
        raise ValidationError(_("You can only give roles below your own."))
    return do_change_role(target, role)


def do_change_tier(membership: Membership, tier: Tier) -> Membership:
    membership.tier = tier
    membership.save(update_fields=["tier"])
    announce_membership_change(membership, "tier")
    return membership


def check_change_tier(actor: Membership, target: Membership, tier: Tier) -> Membership:
    authorise(actor, Action.MANAGE_MEMBERS)
    if target.pk != actor.pk:
        require_outranks(actor, target)
    require_tier_of(target.community, tier)
    return do_change_tier(target, tier)


def do_remove_member(membership: Membership, *, reason: str = "removed") -> Membership:
    """Remove without a ban: they may come back through a new invitation or request."""
    membership.status = MembershipStatus.LEFT
    membership.role = Role.MEMBER
    membership.save(update_fields=["status", "role"])
    announce_membership_change(membership, reason)
    return membership


def do_ban_member(community: Community, user) -> Membership:
    """Ban `user` from `community`, member or not (e.g. from the join-request queue)."""
    with transaction.atomic():
        membership, _created = Membership.objects.get_or_create(
            user=user,
            community=community,
            defaults={"tier": base_tier(community), "status": MembershipStatus.BANNED},
        )
        if membership.role == Role.OWNER:
            raise ValidationError(_("The owner cannot be banned."))
        membership.status = MembershipStatus.BANNED
        membership.role = Role.MEMBER
        membership.save(update_fields=["status", "role"])
        announce_membership_change(membership, "banned")
    return membership


def do_unban_member(membership: Membership) -> Membership:
    """Lift the ban. They are not a member again until they rejoin."""
    membership.status = MembershipStatus.LEFT
    membership.save(update_fields=["status"])
    return membership


def check_unban_member(actor: Membership, target: Membership) -> Membership:
    authorise(actor, Action.MANAGE_MEMBERS)
    if not target.is_banned:
        raise ValidationError(_("This person is not banned."))
    return do_unban_member(target)


def do_leave_community(membership: Membership) -> Membership:
    return do_remove_member(membership, reason="left")


def check_leave_community(membership: Membership | None) -> Membership:
    if membership is None or not membership.is_active:
        raise ValidationError(_("You are not a member of this community."))
    if membership.role == Role.OWNER:
        raise ValidationError(_("Owners cannot leave; transfer ownership to an admin first."))
    return do_leave_community(membership)


def do_transfer_ownership(owner: Membership, new_owner: Membership) -> Community:
    """The admin becomes owner, the owner becomes admin, in one transaction (the one-owner
    constraint holds at every step)."""
    with transaction.atomic():
        community = Community.objects.select_for_update().get(pk=owner.community_id)
        Membership.objects.filter(pk=owner.pk).update(role=Role.ADMIN)
        Membership.objects.filter(pk=new_owner.pk).update(role=Role.OWNER)
        community.owner_id = new_owner.user_id
        community.save(update_fields=["owner"])
    owner.role, new_owner.role = Role.ADMIN, Role.OWNER
    return community


def check_transfer_ownership(actor: Membership, new_owner: Membership) -> Community:
    authorise(actor, Action.TRANSFER_OWNERSHIP)
    if new_owner.community_id != actor.community_id:
        raise ValidationError(_("That person is not in this community."))
    if not new_owner.is_active or new_owner.role != Role.ADMIN:
        raise ValidationError(_("Ownership can only go to an active admin."))
    return do_transfer_ownership(actor, new_owner)
