"""Demo communities for `make run`. Idempotent: creates only what is missing.

- "Natural Wine Club": an unlisted brand space, tiers Member < Insider, owned by ana, with an
  admin (ben), a moderator (chloe), members, insiders and one pending invitation link.
- "Vintage Synth Makers": a listed niche group owned by dev, with hugo's join request pending.
- An open report in the wine club (gina reports farid for spam), so the moderation queue has
  something in it: moderation's own part (communities.moderation.demo). This module is an
  entry point, like apps and urls, so it may gather each capability's part.
"""

from communities.models import (
    Community,
    Discoverability,
    Invitation,
    JoinRequest,
    Membership,
    Role,
    Tier,
)
from communities.moderation.demo import seed_reports
from communities.services.communities import do_create_community
from communities.services.invitations import do_create_invitation
from communities.services.membership_rules import do_add_member
from sosoon_site.accounts.models import User

WINE_PEOPLE = [
    # (handle, role, tier name)
    ("ben", Role.ADMIN, "Insider"),
    ("chloe", Role.MODERATOR, "Member"),
    ("emma", Role.MEMBER, "Insider"),
    ("farid", Role.MEMBER, "Member"),
    ("gina", Role.MEMBER, "Member"),
]
SYNTH_PEOPLE = [("emma", Role.ADMIN), ("gina", Role.MEMBER)]


def _community(slug: str, owner_handle: str, **fields) -> tuple[Community, bool]:
    community = Community.objects.filter(slug=slug).first()
    if community is not None:
        return community, False
    owner = User.objects.get(handle=owner_handle)
    return do_create_community(owner, slug=slug, **fields), True


def _member(community: Community, handle: str, role: str, tier: Tier) -> bool:
    user = User.objects.get(handle=handle)
    if Membership.objects.filter(user=user, community=community).exists():
        return False
    do_add_member(user, community, role=role, tier=tier)
    return True


def seed() -> list[str]:
    """Create what is missing; return what was created, for the log."""
    created = []
    wine, new = _community(
        "natural-wine-club",
        "ana",
        name="Natural Wine Club",
        description="Low-intervention wines, the people who make them, and first pours of "
        "new releases for Insiders.",
        discoverability=Discoverability.UNLISTED,
    )
    if new:
        created.append("community Natural Wine Club")
    base = wine.tiers.get(rank=0)
    insider, new = Tier.objects.get_or_create(community=wine, name="Insider", defaults={"rank": 1})
    if new:
        created.append("tier Insider")
    tiers = {"Member": base, "Insider": insider}
    for handle, role, tier_name in WINE_PEOPLE:
        if _member(wine, handle, role, tiers[tier_name]):
            created.append(f"membership {handle} in Natural Wine Club")
    if not Invitation.objects.filter(community=wine, email="").exists():
        do_create_invitation(wine, wine.owner, tier=base, max_uses=10)
        created.append("invitation link to Natural Wine Club")

    synth, new = _community(
        "vintage-synth-makers",
        "dev",
        name="Vintage Synth Makers",
        description="Restoring, modding and building analogue synthesizers. Bring your schematics.",
        discoverability=Discoverability.LISTED,
    )
    if new:
        created.append("community Vintage Synth Makers")
    synth_base = synth.tiers.get(rank=0)
    for handle, role in SYNTH_PEOPLE:
        if _member(synth, handle, role, synth_base):
            created.append(f"membership {handle} in Vintage Synth Makers")
    hugo = User.objects.get(handle="hugo")
    if not JoinRequest.objects.filter(user=hugo, community=synth).exists():
        JoinRequest.objects.create(
            user=hugo, community=synth, message="I fix Junos and Polysixes for fun."
        )
        created.append("join request hugo to Vintage Synth Makers")
    created += seed_reports(wine)
    return created
