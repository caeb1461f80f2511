"""Invite-only sign-up: the sign-up gate, and redeeming the pending invitation afterwards.

Opening a valid invitation link stores its token in the session. While it is there and still
redeemable, `may_sign_up` opens allauth's sign-up form (settings.SOSOON_SIGNUP_GATE points
here). Right after sign-up (`user_signed_up`, sent inside the sign-up's transaction and before
allauth decides whether the email must be verified first) or after signing in from the
invitation page (`user_logged_in`), the invitation is redeemed, so the person is a member when
they land on the community page.

At sign-up the invitation's use is claimed before the account is kept: when it cannot be (the
last use went to someone else a moment earlier, it expired or was revoked, the community filled
up), `SignupRefused` rolls the whole sign-up back and the form says why. Five visitors racing
through a one-use link get one account.

An emailed invitation (one made for an address) admits only that address: the sign-up form
comes with it filled in (`invited_address`, which settings.SOSOON_SIGNUP_ADDRESS points at), a
person who opened the emailed link has proven they read that mailbox, so the address is
marked verified, and a sign-up with any other address is refused whole. A shareable link
admits whoever holds it; when email verification is mandatory they join at sign-up too, but
cannot sign in until they verify: nothing is lost if they verify later or in another browser.
"""

from allauth.account.models import EmailAddress
from allauth.account.signals import user_logged_in, user_signed_up
from django.contrib import messages
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.models import Invitation
from communities.services.invitations import (
    InvitationRefused,
    do_redeem_invitation,
    refusal_for,
)
from sosoon_site.accounts.signup_gate import SignupRefused

PENDING_INVITATION = "communities_pending_invitation"

# What the sign-up form says when the invitation cannot be claimed; no account is made.
SIGNUP_REFUSALS = {
    "used_up": gettext_lazy(
        "This invitation has been used: no account was made. "
        "Ask the person who sent it for a new one."
    ),
    "expired": gettext_lazy(
        "This invitation has expired: no account was made. "
        "Ask the person who sent it for a new one."
    ),
    "revoked": gettext_lazy("This invitation was withdrawn: no account was made."),
    "full": gettext_lazy(
        "This community is full: no account was made. Try again later, or ask an admin."
    ),
    "other_address": gettext_lazy(
        "This invitation was sent to {email}, so it can only make an account "
        "with that address: no account was made. Sign up with {email}, or ask the person who "
        "sent it for a link of your own."
    ),
}


def remember_invitation(request: HttpRequest, invitation: Invitation) -> None:
    """Keep the token in the session so sign-up and sign-in can redeem it."""
    request.session[PENDING_INVITATION] = invitation.token


def pending_invitation(request: HttpRequest) -> Invitation | None:
    token = request.session.get(PENDING_INVITATION) if hasattr(request, "session") else None
    if not token:
        return None
    return Invitation.objects.filter(token=token).select_related("community", "tier").first()


def invited_address(request: HttpRequest) -> str:
    """The address the session's invitation was emailed to ("" for a shareable link), which
    the sign-up form starts with."""
    invitation = pending_invitation(request)
    return invitation.email if invitation is not None else ""


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
    messages.success(request, _("Welcome to %(name)s!") % {"name": invitation.community.name})


@receiver(user_signed_up, dispatch_uid="communities_redeem_after_signup")
def redeem_after_sign_up(sender, request, user, **kwargs) -> None:
    """Claim the session's invitation for the new account, or refuse the whole sign-up.

    Runs inside the sign-up's transaction (sosoon_site.accounts.views.WholeSignupView)."""
    invitation = pending_invitation(request)
    if invitation is None:
        return  # admitted by another gate (settings.SOSOON_SIGNUP_GATE)
    if invitation.email and invitation.email.lower() == user.email.lower():
        EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)
    try:
        do_redeem_invitation(user, invitation)
    except InvitationRefused as refused:
        message = SIGNUP_REFUSALS[refused.reason].format(email=invitation.email)
        raise SignupRefused(message) from None
    del request.session[PENDING_INVITATION]
    messages.success(request, _("Welcome to %(name)s!") % {"name": invitation.community.name})


@receiver(user_logged_in, dispatch_uid="communities_redeem_after_login")
def redeem_after_sign_in(sender, request, user, **kwargs) -> None:
    redeem_pending_invitation(request, user)
