"""Managing a community's tiers. New tiers go above the highest; the base tier stays."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from communities.models import (
    ChangeKind,
    Community,
    Invitation,
    InvitationBatch,
    Membership,
    MembershipChange,
    MembershipStatus,
    Tier,
)
from communities.permissions import Action
from communities.services.membership_rules import authorise, base_tier
from communities.signals import tier_deleting


def _validate_free_name(community: Community, name: str, *, exclude_pk=None) -> str:
    name = name.strip()
    if not name:
        raise ValidationError(_("A tier needs a name."))
    if community.tiers.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        raise ValidationError(_("This community already has a tier with that name."))
    return name


def do_add_tier(community: Community, name: str) -> Tier:
    with transaction.atomic():
        top = community.tiers.aggregate(top=Max("rank"))["top"]
        return Tier.objects.create(community=community, name=name, rank=(top or 0) + 1)


def check_add_tier(actor: Membership, community: Community, name: str) -> Tier:
    authorise(actor, Action.MANAGE_TIERS)
    return do_add_tier(community, _validate_free_name(community, name))


def do_rename_tier(tier: Tier, name: str) -> Tier:
    tier.name = name
    tier.save(update_fields=["name"])
    return tier


def check_rename_tier(actor: Membership, tier: Tier, name: str) -> Tier:
    authorise(actor, Action.MANAGE_TIERS)
    return do_rename_tier(tier, _validate_free_name(tier.community, name, exclude_pk=tier.pk))


def do_delete_tier(tier: Tier) -> None:
    """Move the tier's members and invitations down to the base tier, then delete it."""
    with transaction.atomic():
        base = base_tier(tier.community)
        moved = Membership.objects.filter(tier=tier)
        MembershipChange.objects.bulk_create(
            MembershipChange(
                community_id=tier.community_id, user_id=user_id, kind=ChangeKind.TIER, tier=base
            )
            for user_id in moved.filter(status=MembershipStatus.ACTIVE).values_list(
                "user_id", flat=True
            )
        )
        moved.update(tier=base)
        Invitation.objects.filter(tier=tier).update(tier=base)
        InvitationBatch.objects.filter(tier=tier).update(tier=base)
        tier.delete()


def check_delete_tier(actor: Membership, tier: Tier) -> None:
    authorise(actor, Action.MANAGE_TIERS)
    if tier.is_base:
        raise ValidationError(_("The base tier cannot be deleted."))
    tier_deleting.send(Tier, tier=tier)
    do_delete_tier(tier)
