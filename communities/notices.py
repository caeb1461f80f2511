"""Join requests and new memberships as content, so the people who decide on them are
notified: a join request reaches those who may approve requests, a new member those who may
invite, and either notification vanishes when that role goes."""

from django.urls import reverse

from communities.content import ContentKind, register_content
from communities.models import JoinRequest, Membership, MembershipStatus
from communities.permissions import Action, communities_where, people_who_may


def register_governance_content() -> None:
    """Register the kinds community admins are notified about: join requests, new members."""
    register_content(
        ContentKind(
            label="join_request",
            model=JoinRequest,
            visible_to=lambda user: JoinRequest.objects.filter(
                community__in=communities_where(user, Action.APPROVE_REQUESTS)
            ),
            audience=lambda request: people_who_may(Action.APPROVE_REQUESTS, request.community_id),
            url=lambda request: reverse("communities:requests", args=[request.community.slug]),
            summary=lambda request: f"{request.community.name}",
            community=lambda request: request.community,
        )
    )
    register_content(
        ContentKind(
            label="membership",
            model=Membership,
            visible_to=lambda user: Membership.objects.filter(
                status=MembershipStatus.ACTIVE,
                community__in=communities_where(user, Action.INVITE),
            ),
            audience=lambda membership: people_who_may(Action.INVITE, membership.community_id),
            url=lambda membership: reverse("communities:members", args=[membership.community.slug]),
            summary=lambda membership: f"{membership.community.name}",
            community=lambda membership: membership.community,
        )
    )
