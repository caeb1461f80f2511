"""Invite-only sign-up: the sign-up gate, and redeeming the pending invitation afterwards.

Opening a valid invitation link stores its token in the session. While it is there and still
redeemable, `may_sign_up` opens allauth's sign-up form (settings.SOSOON_SIGNUP_GATE points
here). Right after sign-up (`user_signed_up`, sent before allauth decides whether the email
must be verified first) or after signing in from the invitation page (`user_logged_in`), the
invitation is redeemed, so the person is a member when they land on the community page.

When email verification is mandatory, a person who signs up with the very address the
invitation was sent to has proven they read that mailbox, so the address is marked verified.
Anyone else joins at sign-up too, but cannot sign in until they verify: nothing is lost if
they verify later or in another browser.
"""

from allauth.account.models import EmailAddress
from allauth.account.signals import user_logged_in, user_signed_up
from django.contrib import messages
from django.dispatch import receiver
from django.http import HttpRequest

from communities.models import Invitation
from communities.services.invitations import (
    InvitationRefused,
    do_redeem_invitation,
    refusal_for,
)

PENDING_INVITATION = "communities_pending_invitation"


def remember_invitation(request: HttpRequest, invitation: Invitation) -> None:
    """Keep the token in the session so sign-up and sign-in can redeem it."""
    request.session[PENDING_INVITATION] = invitation.token


def pending_invitation(request: HttpRequest) -> Invitation | None:
    token = request.session.get(PENDING_INVITATION) if hasattr(request, "session") else None
    if not token:
        return None
    return Invitation.objects.filter(token=token).select_related("community", "tier").first()


def may_sign_up(request: HttpRequest) -> bool:
    """True only while the session holds an invitation that could still be redeemed."""
    invitation = pending_invitation(request)
    return invitation is not None and refusal_for(None, invitation) is None


def redeem_pending_invitation(request: HttpRequest, user) -> None:
    """Redeem the session's invitation for `user`, if any, and forget it either way."""
    invitation = pending_invitation(request)
    if invitation is None:
        return
    del request.session[PENDING_INVITATION]
    try:
        do_redeem_invitation(user, invitation)
    except InvitationRefused:
        return  # the invitation page explains why when they open it again
    messages.success(request, f"Welcome to {invitation.community.name}!")


@receiver(user_signed_up, dispatch_uid="communities_redeem_after_signup")
def redeem_after_sign_up(sender, request, user, **kwargs) -> None:
    invitation = pending_invitation(request)
    if (
        invitation is not None
        and invitation.email
        and invitation.email.lower() == user.email.lower()
    ):
        EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)
    redeem_pending_invitation(request, user)


@receiver(user_logged_in, dispatch_uid="communities_redeem_after_login")
def redeem_after_sign_in(sender, request, user, **kwargs) -> None:
    redeem_pending_invitation(request, user)
