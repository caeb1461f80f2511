"""Join requests for listed communities, the approval queue, and the auto-approve rules.

Auto-approve lets a request in without review when either:
- the requester has a verified email address on the community's domain allow-list, or
- "invited by an existing member": an email invitation to one of the requester's verified
  addresses exists in this community, created by someone who is still an active member,
  and is still usable (not revoked, expired or used up). That covers a person who got an
  invitation email but found the community through the directory instead of the link.
A full community leaves the request pending instead.
"""

import contextlib
import operator
from functools import reduce

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import (
    Community,
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipStatus,
)
from communities.notifying import NotificationKind, notify
from communities.permissions import PERMISSIONS, Action
from communities.services.membership_rules import authorise, do_add_member, is_full, lock_community
from sosoon_site.rate_limits import TokenBucket

MESSAGE_MAX = 500
# A person knocks on a few doors an hour at most.
JOIN_REQUEST_RATE = TokenBucket("join_requests.file", capacity=5, per_seconds=3600)


def verified_emails(user) -> list[str]:
    return [
        email.lower()
        for email in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    ]


def auto_approve_reason(user, community: Community) -> str:
    """Which auto-approve rule lets `user` in, as a short note; "" when none does."""
    emails = verified_emails(user)
    if not emails:
        return ""
    domains = community.allowed_domains()
    if any(email.rsplit("@", 1)[-1] in domains for email in emails):
        return "Email domain on the allow-list"
    now = timezone.now()
    invited = (
        Invitation.objects.filter(community=community, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .filter(
            created_by__memberships__community=community,
            created_by__memberships__status=MembershipStatus.ACTIVE,
        )
        .filter(reduce(operator.or_, (Q(email__iexact=email) for email in emails)))
        .filter(Q(max_uses__isnull=True) | Q(use_count__lt=F("max_uses")))
    )
    return "Invited by a member" if invited.exists() else ""


def do_approve_join_request(
    join_request: JoinRequest, *, decided_by=None, note: str = ""
) -> Membership:
    """Let the requester in. Caller has checked bans; the member cap is checked here, under
    the community lock."""
    with transaction.atomic():
        community = lock_community(join_request.community)
        if is_full(community):
            raise ValidationError(_("The community is full; raise the member cap first."))
        membership = do_add_member(join_request.user, community, join_request=join_request)
        _decide(join_request, JoinRequestStatus.APPROVED, decided_by=decided_by, note=note)
    return membership


def do_reject_join_request(join_request: JoinRequest, *, decided_by) -> JoinRequest:
    _decide(join_request, JoinRequestStatus.REJECTED, decided_by=decided_by, note="")
    return join_request


def _decide(join_request: JoinRequest, status: str, *, decided_by, note: str) -> None:
    join_request.status = status
    join_request.decided_by = decided_by
    join_request.decided_at = timezone.now()
    join_request.decision_note = note
    join_request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])


def check_request_to_join(user, community: Community, message: str = "") -> JoinRequest:
    """File a request (only for listed communities); approve it at once when a rule says so."""
    if not community.is_listed:
        raise Http404("No such community.")
    message = message.strip()
    if len(message) > MESSAGE_MAX:
        raise ValidationError(
            _("Keep the message under %(most)s characters.") % {"most": MESSAGE_MAX}
        )
    membership = Membership.objects.filter(user=user, community=community).first()
    if membership and membership.is_banned:
        raise ValidationError(_("You cannot join this community."))
    if membership and membership.is_active:
        raise ValidationError(_("You are already a member."))
    JOIN_REQUEST_RATE.require(user.pk, action="join requests")
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(
                user=user, community=community, message=message
            )
    except IntegrityError:
        raise ValidationError(_("You have already asked; the admins will decide soon.")) from None
    reason = auto_approve_reason(user, community)
    if reason:
        # A full community keeps the request pending for the admins.
        with contextlib.suppress(ValidationError):
            do_approve_join_request(join_request, note=reason)
    if join_request.is_pending:
        notify_approvers(join_request)
    return join_request


def notify_approvers(join_request: JoinRequest) -> None:
    """Tell the people who may decide that someone is waiting at the door."""
    approvers = Membership.objects.active().filter(
        community=join_request.community_id,
        role__in=PERMISSIONS[Action.APPROVE_REQUESTS],
    )
    notify(
        approvers.values_list("user_id", flat=True),
        kind=NotificationKind.JOIN_REQUEST,
        actor=join_request.user,
        target=join_request,
    )


def check_decide_join_request(actor: Membership, join_request: JoinRequest, *, approve: bool):
    authorise(actor, Action.APPROVE_REQUESTS)
    if join_request.community_id != actor.community_id:
        raise Http404("No such request.")
    if not join_request.is_pending:
        raise ValidationError(_("This request was already decided."))
    if not approve:
        return do_reject_join_request(join_request, decided_by=actor.user)
    banned = Membership.objects.filter(
        user=join_request.user,
        community=join_request.community,
        status=MembershipStatus.BANNED,
    ).exists()
    if banned:
        raise ValidationError(_("This person is banned; unban them first."))
    return do_approve_join_request(join_request, decided_by=actor.user)
