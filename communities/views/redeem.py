"""The page an invitation link opens, for its holder: signed out or in, valid or not."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from communities.services.invitations import (
    InvitationRefused,
    check_redeem_invitation,
    invitation_for_token,
    refusal_for,
)
from communities.signup import remember_invitation

REFUSALS = {
    "expired": (
        gettext_lazy("This invitation has expired"),
        gettext_lazy("Ask the person who sent it for a new one."),
        410,
    ),
    "used_up": (
        gettext_lazy("This invitation has been used up"),
        gettext_lazy(
            "It was valid for a limited number of people, and they have all joined. "
            "Ask the person who sent it for a new one."
        ),
        410,
    ),
    "revoked": (
        gettext_lazy("This invitation was withdrawn"),
        gettext_lazy(
            "Whoever made it has revoked it. Ask for a new one if you still want to join."
        ),
        410,
    ),
    "banned": (
        gettext_lazy("You cannot join this community"),
        gettext_lazy("You were banned from it."),
        403,
    ),
    "full": (
        gettext_lazy("This community is full"),
        gettext_lazy("It has reached its member limit. Try again later, or ask an admin."),
        409,
    ),
    "other_address": (
        gettext_lazy("This invitation is for someone else"),
        gettext_lazy(
            "It was sent to {email}, and only the account with that address, verified, can "
            "accept it. Sign in with that account, or ask the person who sent it for a link "
            "of your own."
        ),
        403,
    ),
}


def refused_page(request, reason: str, invitation):
    title, explanation, status = REFUSALS[reason]
    explanation = explanation.format(email=invitation.email)
    return render(
        request,
        "communities/invitation_refused.html",
        {"title": title, "explanation": explanation, "reason": reason},
        status=status,
    )


def _landing(request, community) -> str:
    """Where the person goes once they are in: `next` when it is a page of this site (a
    public teaser sends them back to its post), else the community."""
    wanted = request.POST.get("next") or request.GET.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return community.get_absolute_url()


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """GET: preview the community and offer sign-up, sign-in or Join. POST: join."""
    invitation = invitation_for_token(token)
    community = invitation.community
    landing = _landing(request, community)
    reason = refusal_for(request.user, invitation)
    if reason == InvitationRefused.ALREADY_MEMBER:
        messages.info(
            request, _("You are already a member of %(name)s.") % {"name": community.name}
        )
        return redirect(landing)
    if reason:
        return refused_page(request, reason, invitation)
    if request.method == "POST" and request.user.is_authenticated:
        try:
            check_redeem_invitation(request.user, token)
        except InvitationRefused as refused:
            if refused.reason == InvitationRefused.ALREADY_MEMBER:
                return redirect(landing)
            return refused_page(request, refused.reason, invitation)
        messages.success(request, _("Welcome to %(name)s!") % {"name": community.name})
        return redirect(landing)
    if not request.user.is_authenticated:
        remember_invitation(request, invitation)
    return render(
        request,
        "communities/invitation.html",
        {
            "invitation": invitation,
            "community": community,
            "landing": landing,
            "signup_url": reverse("account_signup") + "?" + urlencode({"next": landing}),
            "login_url": reverse("account_login")
            + "?"
            + urlencode({"next": request.get_full_path()}),
        },
    )
