"""The page an invitation link opens, for its holder: signed out or in, valid or not."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from communities.services.invitations import (
    InvitationRefused,
    check_redeem_invitation,
    invitation_for_token,
    refusal_for,
)
from communities.signup import remember_invitation

REFUSALS = {
    "expired": ("This invitation has expired", "Ask the person who sent it for a new one.", 410),
    "used_up": (
        "This invitation has been used up",
        "It was valid for a limited number of people, and they have all joined. "
        "Ask the person who sent it for a new one.",
        410,
    ),
    "revoked": (
        "This invitation was withdrawn",
        "Whoever made it has revoked it. Ask for a new one if you still want to join.",
        410,
    ),
    "banned": ("You cannot join this community", "You were banned from it.", 403),
    "full": (
        "This community is full",
        "It has reached its member limit. Try again later, or ask an admin.",
        409,
    ),
}


def refused_page(request, reason: str):
    title, explanation, status = REFUSALS[reason]
    return render(
        request,
        "communities/invitation_refused.html",
        {"title": title, "explanation": explanation, "reason": reason},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """GET: preview the community and offer sign-up, sign-in or Join. POST: join."""
    invitation = invitation_for_token(token)
    community = invitation.community
    reason = refusal_for(request.user, invitation)
    if reason == InvitationRefused.ALREADY_MEMBER:
        messages.info(request, f"You are already a member of {community.name}.")
        return redirect(community)
    if reason:
        return refused_page(request, reason)
    if request.method == "POST" and request.user.is_authenticated:
        try:
            check_redeem_invitation(request.user, token)
        except InvitationRefused as refused:
            if refused.reason == InvitationRefused.ALREADY_MEMBER:
                return redirect(community)
            return refused_page(request, refused.reason)
        messages.success(request, f"Welcome to {community.name}!")
        return redirect(community)
    if not request.user.is_authenticated:
        remember_invitation(request, invitation)
    return render(
        request,
        "communities/invitation.html",
        {
            "invitation": invitation,
            "community": community,
            "signup_url": reverse("account_signup")
            + "?"
            + urlencode({"next": community.get_absolute_url()}),
            "login_url": reverse("account_login") + "?" + urlencode({"next": request.path}),
        },
    )
