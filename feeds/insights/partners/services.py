"""Adding partners and their links, counting visits to a link, and who may see a partner.

A partner's link is an invitation made by governance's own `do_create_invitation` (the
partner's tier, or the base tier; member role; no limit), so redeeming it is the one
redemption every invitation goes through and the join keeps the invitation it came by.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404

from communities.permissions import Action, may, viewer_membership
from communities.services.invitations import do_create_invitation
from communities.services.membership_rules import base_tier
from feeds.insights.days import today
from feeds.insights.partners.models import LinkVisitDay, Partner, PartnerLink

SESSION_KEY = "partner_links_seen"


def do_add_link(partner: Partner, created_by, *, label: str = "") -> PartnerLink:
    """A new tracked link for `partner`: an invitation of their own with their tier."""
    community = partner.community
    invitation = do_create_invitation(
        community, created_by, tier=partner.tier or base_tier(community)
    )
    return PartnerLink.objects.create(partner=partner, invitation=invitation, label=label)


def do_add_partner(
    community, created_by, *, name: str, handle: str, user=None, tier=None
) -> Partner:
    """Add a partner (a member when `user` is given) with a first tracked link. Caller has
    checked that the creator may manage partners and that the fields are valid."""
    with transaction.atomic():
        partner = Partner.objects.create(
            community=community, user=user, name=name, handle=handle, tier=tier
        )
        do_add_link(partner, created_by)
    return partner


def record_visit(session, link: PartnerLink) -> None:
    """Count one visit to `link` per browser session, on its community's date.
    Caller loaded `link.partner.community`."""
    seen = session.get(SESSION_KEY, [])
    if link.ref_code in seen:
        return
    PartnerLink.objects.filter(pk=link.pk).update(visit_count=F("visit_count") + 1)
    day = today(link.partner.community)
    visits = LinkVisitDay.objects.filter(link=link, day=day)
    if not visits.update(visits=F("visits") + 1):
        try:
            with transaction.atomic():
                LinkVisitDay.objects.create(link=link, day=day, visits=1)
        except IntegrityError:  # another visit made the day's row first
            visits.update(visits=F("visits") + 1)
    session[SESSION_KEY] = [*seen, link.ref_code][-50:]


def access_partner(request, community, partner_id: int) -> Partner:
    """The partner, if the viewer manages the community's partners or is that partner (an
    active member); Http404 otherwise, missing and forbidden alike."""
    partner = Partner.objects.filter(community=community, pk=partner_id).first()
    if partner is None:
        raise Http404("No such partner.")
    if may(request, community, Action.MANAGE_PARTNERS):
        return partner
    membership = viewer_membership(request, community)
    if (
        partner.user_id is not None
        and partner.user_id == request.user.pk
        and membership is not None
        and membership.is_active
    ):
        return partner
    raise Http404("No such partner.")
