"""The partners' part of a day's roll-up: visits to their links, joins through them, and a
member partner's own posts, from the raw rows into `PartnerDay`, `PartnerJoin` and
`PartnerPostDay`.

`roll_up_partners_day` runs inside the community's `roll_up_day`, after its `CommunityDay`,
`MemberJoin` and `PostDay` rows are written: it adds the day's partner visits to the first;
a partner's join is the community's join row (so whether they stayed active is settled
once, there); and a partner's post's audience is the one the community's roll-up counted
through the audience policy. It replaces the day's rows whole, so rolling a day up again
gives the same rows. A removed partner's rows stay: their links' visits and joins are
history, and their posts count up to the day they were removed, that day included.
"""

from collections import Counter
from datetime import date

from django.db.models import Count, Q, Sum

from communities.models import ChangeKind, MembershipChange
from feeds.insights.models import CommunityDay, MemberJoin, PostDay, Source
from feeds.insights.partners.models import (
    LinkVisitDay,
    Partner,
    PartnerDay,
    PartnerJoin,
    PartnerLink,
    PartnerPostDay,
)
from feeds.models import Post


def partner_invitations(community) -> dict[int, int]:
    """Each of the community's partner links' invitation id, to its partner's id."""
    return dict(
        PartnerLink.objects.filter(partner__community=community).values_list(
            "invitation_id", "partner_id"
        )
    )


def _join_rows(community, day: date, start, end, invitations: dict[int, int]):
    changes = MembershipChange.objects.filter(
        community=community,
        kind=ChangeKind.JOINED,
        at__gte=start,
        at__lt=end,
        via_invitation_id__in=list(invitations),
    ).values_list("user_id", "via_invitation_id")
    rows = MemberJoin.objects.filter(community=community, day=day, source=Source.PARTNER)
    joins = {row.user_id: row for row in rows}
    return [
        PartnerJoin(
            community=community,
            partner_id=invitations[invitation_id],
            member_join=joins[user_id],
            user_id=user_id,
            day=day,
        )
        for user_id, invitation_id in changes
        if user_id in joins
    ]


def _post_rows(community, day: date, authors: dict[int, int]) -> list[PartnerPostDay]:
    rows = PostDay.objects.filter(
        community=community, day=day, post__author_id__in=list(authors)
    ).values_list("post_id", "post__author_id", "comments", "reactions", "audience")
    return [
        PartnerPostDay(
            community=community,
            partner_id=authors[author_id],
            post_id=post_id,
            day=day,
            interactions=comments + reactions,
            audience=audience,
        )
        for post_id, author_id, comments, reactions, audience in rows
    ]


def roll_up_partners_day(community, day: date, start, end) -> None:
    """Replace `community`'s partner rows for `day` (from `start` to `end`). Caller is the
    community's roll-up, inside its transaction, with the day's joins and posts rolled up."""
    for model in (PartnerDay, PartnerJoin, PartnerPostDay):
        model.objects.filter(community=community, day=day).delete()
    invitations = partner_invitations(community)
    if not invitations:
        return
    # A member partner's posts are theirs on the days up to the one they are removed on; for a
    # member removed and made a partner again, the new partner's (removed ones first, so the
    # one still on wins).
    authors = {
        user_id: pk
        for user_id, pk, _removed in sorted(
            Partner.objects.filter(community=community, user__isnull=False)
            .filter(Q(removed_at__isnull=True) | Q(removed_at__gt=start))
            .values_list("user_id", "pk", "removed_at"),
            key=lambda partner: partner[2] is None,
        )
    }
    visits = dict(
        LinkVisitDay.objects.filter(link__partner__community=community, day=day)
        .values("link__partner_id")
        .annotate(total=Sum("visits"))
        .values_list("link__partner_id", "total")
        .order_by()
    )
    posts = Counter(
        {
            authors[author_id]: count
            for author_id, count in Post.objects.filter(
                community=community,
                author_id__in=list(authors),
                created__gte=start,
                created__lt=end,
                deleted__isnull=True,
            )
            .values("author_id")
            .annotate(n=Count("pk"))
            .values_list("author_id", "n")
            .order_by()
        }
    )
    joins = _join_rows(community, day, start, end, invitations)
    PartnerJoin.objects.bulk_create(joins)
    PartnerPostDay.objects.bulk_create(_post_rows(community, day, authors))
    joined = Counter(join.partner_id for join in joins)
    PartnerDay.objects.bulk_create(
        PartnerDay(
            community=community,
            partner_id=partner_id,
            day=day,
            visits=visits.get(partner_id, 0),
            joins=joined[partner_id],
            posts=posts[partner_id],
        )
        for partner_id in set(visits) | set(joined) | set(posts)
    )
    CommunityDay.objects.filter(community=community, day=day).update(
        partner_visits=sum(visits.values())
    )
