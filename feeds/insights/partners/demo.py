"""Two partners for the Natural Wine Club's history (feeds/insights/demo.py): Gina, a member
who writes some of the history's posts, and Vera, an outside creator whose people join as
Insiders. Some of the history's tasters join through their links, and each link's visits
come in the days around those joins, so Insights' partners table shows numbers on first run.
"""

import random
from datetime import date, timedelta

from communities.models import Community
from feeds.insights.partners.models import LinkVisitDay, PartnerLink
from feeds.insights.partners.services import do_add_link, do_add_partner
from sosoon_site.accounts.models import User


def seed_partners(community: Community) -> tuple[list[PartnerLink], User | None]:
    """The partners' links the history's tasters may join through, and the member partner
    who writes some of its posts (None if the demo's Gina is missing)."""
    gina = User.objects.filter(handle="gina").first()
    links = []
    if gina is not None:
        partner = do_add_partner(
            community, community.owner, name=gina.name, handle=f"@{gina.handle}", user=gina
        )
        links.append(partner.links.get())
    vera = do_add_partner(
        community,
        community.owner,
        name="Vera Vino",
        handle="@vera.vino",
        tier=community.tiers.order_by("-rank").first(),
    )
    links += [vera.links.get(), do_add_link(vera, community.owner, label="Newsletter")]
    return links, gina


def seed_visits(joins: dict[PartnerLink, list[date]], rng: random.Random) -> int:
    """Visits to each link: a few on each join's day and the days before it (most visitors
    never join). The number of visits."""
    per_day: dict[tuple[PartnerLink, date], int] = {}
    for link, days in joins.items():
        for day in days:
            for before in range(4):
                key = (link, day - timedelta(days=before))
                per_day[key] = per_day.get(key, 0) + rng.randint(1, 4)
    LinkVisitDay.objects.bulk_create(
        LinkVisitDay(link=link, day=day, visits=visits) for (link, day), visits in per_day.items()
    )
    for link in joins:
        link.visit_count = sum(v for (lnk, _day), v in per_day.items() if lnk == link)
        link.save(update_fields=["visit_count"])
    return sum(per_day.values())
