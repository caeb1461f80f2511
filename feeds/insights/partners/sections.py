"""A member partner's way to their own page: the sidebar's "Your partner numbers" in the
community they partner (communities/sections.py asks, for the community being looked at)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from communities.sections import Section, register_sections
from feeds.insights.partners.models import Partner


def partner_sections(membership) -> list[Section]:
    """The link to the member's own partner page, if they are a partner (not removed) of the
    membership's community: one query. Caller passes an active membership, community loaded."""
    partner_id = (
        Partner.objects.filter(
            community_id=membership.community_id,
            user_id=membership.user_id,
            removed_at__isnull=True,
        )
        .values_list("pk", flat=True)
        .first()
    )
    if partner_id is None:
        return []
    url = reverse(
        "insights:partner", kwargs={"slug": membership.community.slug, "partner_id": partner_id}
    )
    return [Section(label=_("Your partner numbers"), url=url, key="partner-numbers")]


def register_partner_sections() -> None:
    register_sections(partner_sections)
