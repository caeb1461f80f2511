"""Invitation links and email invitations: create, revoke, and redeem them race-safely."""

import re
from datetime import datetime

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import (
    Community,
    Invitation,
    InvitationState,
    Membership,
    MembershipStatus,
    Role,
    Tier,
)
from communities.models.invitation import TOKEN_PATTERN
from communities.notifying import NotificationKind, notify
from communities.permissions import Action
from communities.services.membership_rules import (
    authorise,
    do_add_member,
    is_full,
    lock_community,
    may_grant,
)
from sosoon_site.rate_limits import TokenBucket

# Links and single emails: a busy admin's afternoon, not a spammer's.
INVITE_RATE = TokenBucket("invitations.create", capacity=30, per_seconds=600)


class InvitationRefused(Exception):
    """The invitation cannot let this person in; `reason` picks the page they see."""

    BANNED = "banned"
    ALREADY_MEMBER = "already_member"
    FULL = "full"
    OTHER_ADDRESS = "other_address"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = str(reason)


def invitation_for_token(token: str) -> Invitation:
    """The invitation with `token`; Http404 for an unknown token or one of the wrong shape."""
    if not re.fullmatch(TOKEN_PATTERN, token or ""):
        raise Http404("No such invitation.")
    invitation = Invitation.objects.filter(token=token).select_related("community", "tier").first()
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def is_for_someone_else(user, invitation: Invitation) -> bool:
    """Whether `invitation` was emailed to an address that is not one of `user`'s verified
    addresses. An emailed invitation is for that mailbox's owner only; a shareable link
    (no address) is for anyone holding it."""
    if not invitation.email:
        return False
    return not EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists()


def refusal_for(user, invitation: Invitation) -> str | None:
    """Why `user` (None before sign-up) could not redeem `invitation` now, or None.

    A read-only preview for the invitation page and the sign-up gate; redemption itself
    re-checks under a lock."""
    state = invitation.state()
    if state != InvitationState.USABLE:
        return str(state)
    community = invitation.community
    if user is not None and user.is_authenticated:
        membership = Membership.objects.filter(user=user, community=community).first()
        if membership and membership.is_banned:
            return InvitationRefused.BANNED
        if membership and membership.is_active:
            return InvitationRefused.ALREADY_MEMBER
        if is_for_someone_else(user, invitation):
            return InvitationRefused.OTHER_ADDRESS
    if is_full(community):
        return InvitationRefused.FULL
    return None


def do_create_invitation(
    community: Community,
    created_by,
    *,
    tier: Tier,
    role: str = Role.MEMBER,
    email: str = "",
    expires_at: datetime | None = None,
    max_uses: int | None = None,
    batch=None,
) -> Invitation:
    return Invitation.objects.create(
        community=community,
        created_by=created_by,
        tier=tier,
        role=role,
        email=email,
        expires_at=expires_at,
        max_uses=max_uses,
        batch=batch,
    )


def validate_invitation_terms(
    actor: Membership,
    community: Community,
    *,
    role: str,
    tier: Tier,
    expires_at: datetime | None,
    max_uses: int | None,
) -> None:
    """ValidationError (by field) for terms the actor may not offer or that make no sense."""
    errors = {}
    if not may_grant(actor, role):
        errors["role"] = _("You can only invite people to roles below your own.")
    if tier.community_id != community.pk:
        errors["tier"] = _("That tier belongs to another community.")
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = _("The expiry must be in the future.")
    if max_uses is not None and max_uses < 1:
        errors["max_uses"] = _("Maximum uses must be at least 1 (or empty for no limit).")
    if errors:
        raise ValidationError(errors)


def check_create_invitation(
    actor: Membership,
    community: Community,
    *,
    role: str = Role.MEMBER,
    tier: Tier,
    email: str = "",
    expires_at: datetime | None = None,
    max_uses: int | None = None,
) -> Invitation:
    authorise(actor, Action.INVITE)
    validate_invitation_terms(
        actor, community, role=role, tier=tier, expires_at=expires_at, max_uses=max_uses
    )
    INVITE_RATE.require(actor.user_id, action="invitations")
    return do_create_invitation(
        community,
        actor.user,
        role=role,
        tier=tier,
        email=email,
        expires_at=expires_at,
        max_uses=max_uses,
    )


def do_revoke_invitation(invitation: Invitation) -> Invitation:
    """Revoke at once; people who already joined through it stay members."""
    Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    invitation.refresh_from_db(fields=["revoked_at"])
    return invitation


def check_revoke_invitation(actor: Membership, invitation: Invitation) -> Invitation:
    authorise(actor, Action.INVITE)
    if invitation.community_id != actor.community_id:
        raise Http404("No such invitation.")
    return do_revoke_invitation(invitation)


def _claim_use(invitation: Invitation) -> bool:
    """Count one use if the invitation is still usable: a single conditional UPDATE, so two
    concurrent redemptions can never both take the last use."""
    return bool(
        Invitation.objects.filter(
            pk=invitation.pk,
            revoked_at__isnull=True,
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        .filter(Q(max_uses__isnull=True) | Q(use_count__lt=F("max_uses")))
        .update(use_count=F("use_count") + 1)
    )


def do_redeem_invitation(user, invitation: Invitation) -> Membership:
    """Let `user` in through `invitation`, or raise InvitationRefused.

    An emailed invitation admits only an account with that address, verified.
    All checks that race (bans, member cap, remaining uses) happen inside one transaction that
    holds the community's row lock and claims the use with a conditional UPDATE.
    """
    with transaction.atomic():
        community = lock_community(invitation.community)
        existing = Membership.objects.filter(user=user, community=community).first()
        if existing and existing.status == MembershipStatus.BANNED:
            raise InvitationRefused(InvitationRefused.BANNED)
        if existing and existing.is_active:
            raise InvitationRefused(InvitationRefused.ALREADY_MEMBER)
        if is_for_someone_else(user, invitation):
            raise InvitationRefused(InvitationRefused.OTHER_ADDRESS)
        if is_full(community):
            raise InvitationRefused(InvitationRefused.FULL)
        if not _claim_use(invitation):
            invitation.refresh_from_db()
            raise InvitationRefused(invitation.state())
        membership = do_add_member(
            user, community, role=invitation.role, tier=invitation.tier, invitation=invitation
        )
        if invitation.created_by_id:
            notify(
                [invitation.created_by_id],
                kind=NotificationKind.INVITATION_USED,
                actor=user,
                target=membership,
            )
        return membership


def check_redeem_invitation(user, token: str) -> Membership:
    """Redeem by token for a signed-in person: Http404 for an unknown token."""
    return do_redeem_invitation(user, invitation_for_token(token))
