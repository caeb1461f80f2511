"""The public teaser page: what someone from outside the community sees of a public post, and
the one way in it offers.

It is what a cross-post's tracked link opens, and what the post's own page shows anyone who is
not an active member. It shows the community's card, the teaser (text and images) and one
action, chosen in this order:

1. **Join**, through the cross-post's own invitation, while it could be redeemed. Sign-up is
   invite-only, so for a newcomer without an account this is the only door, even into a
   listed community; and a join through it is attributed to the cross-post.
2. **Request to join**, for a listed community (signed out: sign in first, then ask).
3. Nothing to press, said plainly: an unlisted community is joined by invitation only.

A member (an owner checking the link, say) is offered the post itself.

Every link on the page goes somewhere an outsider may go: the post's own links (the author's
page, the community feed, who reacted) are for members and are left out, and the community's
page is linked only when it is listed.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from communities.models import Community, JoinRequestStatus, Membership
from communities.services.invitations import refusal_for
from feeds.feed import card


class Way(StrEnum):
    MEMBER = "member"
    JOIN = "join"
    REQUEST = "request"
    SIGN_IN_TO_REQUEST = "sign_in_to_request"
    REQUESTED = "requested"
    BANNED = "banned"
    INVITATION_ONLY = "invitation_only"


@dataclass(frozen=True)
class WayIn:
    """The one action the page offers: what it is and where it goes ("" for none)."""

    way: Way
    url: str = ""


def way_in(viewer, post, *, invitation=None, request_url: str, here: str) -> WayIn:
    """The action for `viewer` (possibly anonymous) on `post`'s teaser. `invitation` is the
    cross-post's, if the page was opened through one; `request_url` is where a join request is
    posted; `here` is the page's own path, to come back to after signing in."""
    community: Community = post.community
    membership = (
        Membership.objects.filter(user=viewer, community=community).first()
        if viewer.is_authenticated
        else None
    )
    if membership is not None and membership.is_active:
        return WayIn(Way.MEMBER, post.get_absolute_url())
    if invitation is not None and refusal_for(viewer, invitation) is None:
        next_url = urlencode({"next": post.get_absolute_url()})
        return WayIn(Way.JOIN, f"{invitation.get_absolute_url()}?{next_url}")
    if not community.is_listed:
        return WayIn(Way.INVITATION_ONLY)
    if not viewer.is_authenticated:
        sign_in = f"{reverse('account_login')}?{urlencode({'next': here})}"
        return WayIn(Way.SIGN_IN_TO_REQUEST, sign_in)
    if membership is not None and membership.is_banned:
        return WayIn(Way.BANNED)
    if community.join_requests.filter(user=viewer, status=JoinRequestStatus.PENDING).exists():
        return WayIn(Way.REQUESTED)
    return WayIn(Way.REQUEST, request_url)


def teaser_page(request: HttpRequest, post, *, invitation=None, request_url: str) -> HttpResponse:
    """The teaser page of `post`, which the caller has checked is public."""
    teaser = card(post.pk, request.user)
    community = teaser.community
    return render(
        request,
        "feeds/crossposting/teaser.html",
        {
            "post": teaser,
            "community": community,
            "member_count": community.memberships.active().count(),
            "way_in": way_in(
                request.user,
                teaser,
                invitation=invitation,
                request_url=request_url,
                here=request.get_full_path(),
            ),
        },
    )
