"""The partners' numbers for a period, read from their summary rows only: a fixed handful
of queries however many partners, days or joins (docs/insights.md, "Partners").

One `PartnerRow` per partner; `partners_table` is the same rows as the page's table and its
CSV download. A removed partner (services.do_remove_partner) has a row, marked removed, only
for a period they have numbers in: so the table still adds up to the sources' partner row,
and partners removed long ago do not fill it with zeros.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q, Sum
from django.utils.translation import gettext as _

from feeds.insights.models import MemberDay
from feeds.insights.partners.models import Partner, PartnerDay, PartnerJoin, PartnerPostDay
from feeds.insights.periods import Period
from feeds.insights.tables import Table, share


@dataclass
class PartnerRow:
    partner: Partner
    visits: int = 0
    joined: int = 0
    # Of the period's joins whose 30-day week has been rolled up: how many, how many stayed.
    settled: int = 0
    retained: int = 0
    # Of everyone who joined through the partner by the period's end: active, contributed.
    active: int = 0
    contributors: int = 0
    posts: int = 0
    post_interactions: int = 0
    post_audience: int = 0

    @property
    def has_numbers(self) -> bool:
        return any((self.visits, self.joined, self.active, self.posts, self.post_interactions))

    @property
    def still_active(self) -> float | None:
        return share(self.retained, self.settled)

    @property
    def engagement(self) -> float | None:
        return share(self.contributors, self.active)

    @property
    def post_engagement(self) -> float | None:
        if not self.partner.is_member:
            return None
        return share(self.post_interactions, self.post_audience)


def _in(period: Period) -> Q:
    return Q(day__gte=period.start, day__lte=period.end)


def partner_rows(community, period: Period, *, partners=None) -> list[PartnerRow]:
    """Each partner's numbers for `period`: all the community's partners (a removed one only
    if they have numbers in it), or `partners`."""
    if partners is None:
        partners = list(Partner.objects.filter(community=community))
    rows = {partner.pk: PartnerRow(partner) for partner in partners}
    if not rows:
        return []
    ids = list(rows)
    for partner_id, visits, posts in (
        PartnerDay.objects.filter(_in(period), community=community, partner_id__in=ids)
        .values("partner_id")
        .annotate(visits=Sum("visits"), posts=Sum("posts"))
        .values_list("partner_id", "visits", "posts")
        .order_by()
    ):
        rows[partner_id].visits, rows[partner_id].posts = visits, posts
    now = _in(period)
    active = MemberDay.objects.filter(_in(period), community=community, user_id=OuterRef("user_id"))
    for counted in (
        PartnerJoin.objects.filter(community=community, partner_id__in=ids, day__lte=period.end)
        .values("partner_id")
        .annotate(
            joined=Count("pk", filter=now),
            settled=Count("pk", filter=now & Q(member_join__retained__isnull=False)),
            retained=Count("pk", filter=now & Q(member_join__retained=True)),
            active=Count("user_id", distinct=True, filter=Q(Exists(active))),
            contributors=Count(
                "user_id", distinct=True, filter=Q(Exists(active.filter(contributions__gt=0)))
            ),
        )
        .order_by()
    ):
        row = rows[counted.pop("partner_id")]
        for name, value in counted.items():
            setattr(row, name, value)
    for partner_id, interactions, audience in (
        PartnerPostDay.objects.filter(_in(period), community=community, partner_id__in=ids)
        .values("partner_id", "post_id")
        .annotate(interactions=Sum("interactions"), audience=Max("audience"))
        .values_list("partner_id", "interactions", "audience")
        .order_by()
    ):
        rows[partner_id].post_interactions += interactions
        rows[partner_id].post_audience += audience
    return [row for row in rows.values() if not row.partner.is_removed or row.has_numbers]


def partners_table(community, period: Period, *, partners=None) -> Table:
    """The partners' rows as a table: what the page lists and the CSV holds."""
    table = Table(
        _("Partners"),
        [
            _("Partner"),
            _("Handle"),
            _("Visits"),
            _("Joined"),
            _("Joined 36+ days ago"),
            _("Still active after 30 days"),
            _("Engagement rate of their members"),
            _("Their posts"),
            _("Engagement of their posts"),
        ],
    )
    for row in partner_rows(community, period, partners=partners):
        member = row.partner.is_member
        name = row.partner.name
        if row.partner.is_removed:
            name = _("%(name)s (removed)") % {"name": name}
        table.rows.append(
            [
                name,
                row.partner.handle,
                row.visits,
                row.joined,
                row.settled,
                row.still_active,
                row.engagement,
                row.posts if member else None,
                row.post_engagement,
            ]
        )
    return table
