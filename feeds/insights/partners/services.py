"""Adding, editing and removing partners and their links, counting visits to a link, and
who may see a partner.

A partner's link is an invitation made by governance's own `do_create_invitation` (the
partner's tier, or the base tier; member role; no limit), so redeeming it is the one
redemption every invitation goes through and the join keeps the invitation it came by.
Removing a partner revokes those invitations with governance's `do_revoke_invitation`, as the
invitations page does, and keeps every row, so their history still counts.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from communities.models import Invitation
from communities.permissions import Action, may, viewer_membership
from communities.services.invitations import do_create_invitation, do_revoke_invitation
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


def do_edit_partner(partner: Partner, *, name: str, handle: str, user=None, tier=None) -> Partner:
    """Save a partner's name, handle and tier (and, for a member partner, which member:
    `user`). Their links that still admit people admit at the new tier (the base tier for
    none) from now on; who joined before keeps their tier, and days already rolled up keep
    their numbers. Caller has checked that the editor may manage partners, that the partner
    is not removed and that the fields are valid."""
    fields = ["name", "handle", "tier"]
    partner.name, partner.handle, partner.tier = name, handle, tier
    if partner.is_member:
        partner.user = user
        fields.append("user")
    with transaction.atomic():
        partner.save(update_fields=fields)
        Invitation.objects.filter(
            pk__in=partner.links.values("invitation_id"), revoked_at__isnull=True
        ).update(tier=tier or base_tier(partner.community))
    return partner


def do_remove_partner(partner: Partner) -> Partner:
    """Remove a partner: each of their links' invitations is revoked (its page says so, and
    nobody new joins through it), and their links count no more visits. They leave the
    owner's list, their own page is gone (a 404, for them and for the owner) and so is the
    navigation's link to it; a member partner's later posts are not counted as theirs.

    Their history stays: the rows are kept (`removed_at` is set), so the visits and joins
    their links brought still count in Insights (the "partner" source and the totals), and
    the Partners table keeps their row, marked removed, for any period they have numbers in.
    Removing twice changes nothing. Caller has checked that the remover may manage partners."""
    with transaction.atomic():
        Partner.objects.filter(pk=partner.pk, removed_at__isnull=True).update(
            removed_at=timezone.now()
        )
        for link in partner.links.select_related("invitation"):
            do_revoke_invitation(link.invitation)
    partner.refresh_from_db(fields=["removed_at"])
    return partner


def record_visit(session, link: PartnerLink) -> None:
    """Count one visit to `link` per browser session, on its community's date; none for a
    removed partner's links. Caller loaded `link.partner.community`."""
    seen = session.get(SESSION_KEY, [])
    if link.ref_code in seen or link.partner.is_removed:
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
    """The partner (not removed), if the viewer manages the community's partners or is that
    partner (an active member); Http404 otherwise, missing and forbidden alike."""
    partner = Partner.objects.filter(
        community=community, pk=partner_id, removed_at__isnull=True
    ).first()
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
