"""The roll-up: one community's day, from the raw rows into the summary tables.

`roll_up_day` replaces the day's summary rows whole inside one transaction, so rolling a day
up again gives the same rows whatever ran before. A day's weekly and monthly active counts
read the member rows of the days before it, so days are rolled up oldest first
(`roll_up_days`). After its days, a community's recent join-week cohorts are counted again
(`roll_up_cohorts`).
"""

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, F, Max, Min, Q, Sum

from communities.chat.models import ChatMessage
from communities.models import ChangeKind, Community, MembershipChange, Tier
from feeds.crossposting.models import CrossPost, ExternalAccount, Referral, VisitDay
from feeds.insights import activity
from feeds.insights.days import day_bounds, local_day, today, week_start
from feeds.insights.models import (
    AccountDay,
    CohortWeek,
    CommunityDay,
    MemberDay,
    MemberJoin,
    MemberVisit,
    PostDay,
    RoomDay,
    Source,
    TierDay,
    TopPostWindow,
)
from feeds.insights.partners import rollups as partner_rollups
from feeds.lookups import IdIn
from feeds.models import Comment, Post, Reaction
from feeds.policy import audience_sizes

COHORT_WEEKS = 8
# A member who joined on day J is "still active after 30 days" if active on a day of
# J+30 .. J+36 (the week from the 30th day on).
RETAINED_FROM, RETAINED_UNTIL = 30, 36
_STILL_IN = {ChangeKind.JOINED, ChangeKind.TIER}
# The page's preset lengths, whose distinct counts and top posts each day's row holds, and
# how many ranked posts it keeps for the page to ask the policy which it may name.
WINDOWS = (7, 30, 90)
TOP_CANDIDATES = 50


def _members_at(community: Community, end) -> dict[int, int | None]:
    """Each member's tier id at `end`, from the last change of each person before it."""
    latest: dict[int, tuple[str, int | None]] = {}
    changes = (
        MembershipChange.objects.filter(community=community, at__lt=end)
        .order_by("at", "id")
        .values_list("user_id", "kind", "tier_id")
    )
    for user_id, kind, tier_id in changes.iterator(chunk_size=2000):
        latest[user_id] = (kind, tier_id)
    return {user_id: tier for user_id, (kind, tier) in latest.items() if kind in _STILL_IN}


def _tier_rows(community: Community, day: date, members: dict[int, int | None]) -> list[TierDay]:
    per_tier = Counter(members.values())
    tiers = {tier.pk: tier for tier in Tier.objects.filter(community=community)}
    rows = []
    for tier_id, count in per_tier.items():
        tier = tiers.get(tier_id)
        rows.append(
            TierDay(
                community=community,
                day=day,
                tier_name=tier.name if tier else "Deleted tier",
                tier_rank=tier.rank if tier else -1,
                members=count,
            )
        )
    return rows


def _post_rows(community: Community, day: date, start, end) -> list[PostDay]:
    def per_post(model) -> Counter:
        return Counter(
            dict(
                model.objects.filter(post__community=community, created__gte=start, created__lt=end)
                .order_by()
                .values_list("post_id")
                .annotate(n=Count("pk"))
                .values_list("post_id", "n")
            )
        )

    comments, reactions = per_post(Comment), per_post(Reaction)
    # Every post's audience in a few queries: the policy's batched reverse form.
    audiences = audience_sizes(
        Post.objects.filter(IdIn("pk", list(set(comments) | set(reactions))))
    )
    return [
        PostDay(
            community=community,
            post_id=post_id,
            day=day,
            comments=comments[post_id],
            reactions=reactions[post_id],
            audience=audience,
        )
        for post_id, audience in audiences.items()
    ]


def ranked_posts(community: Community, first: date, last: date, *, limit: int) -> list[dict]:
    """The `limit` posts with the most interactions from `first` to `last` (then the oldest
    id first): post_id, comments, reactions, and the largest audience its days counted."""
    return list(
        PostDay.objects.filter(community=community, day__gte=first, day__lte=last)
        .values("post_id")
        .annotate(comments=Sum("comments"), reactions=Sum("reactions"), audience=Max("audience"))
        .annotate(interactions=F("comments") + F("reactions"))
        .order_by("-interactions", "post_id")[:limit]
        .values("post_id", "comments", "reactions", "audience")
    )


def _top_post_rows(community: Community, day: date) -> list[TopPostWindow]:
    return [
        TopPostWindow(community=community, day=day, days=days, rank=rank, **row)
        for days in WINDOWS
        for rank, row in enumerate(
            ranked_posts(community, day - timedelta(days=days - 1), day, limit=TOP_CANDIDATES)
        )
    ]


def _room_rows(community: Community, day: date, start, end) -> list[RoomDay]:
    rows = (
        ChatMessage.objects.filter(
            room__community=community, created_at__gte=start, created_at__lt=end
        )
        .order_by()
        .values("room_id")
        .annotate(messages=Count("pk"), chatters=Count("author", distinct=True))
    )
    return [RoomDay(community=community, day=day, **row) for row in rows]


def _source_of(
    change, crosspost_invitations: set[int], referred_requests: set[int], partner_links
) -> str:
    if change.via_request_id:
        if change.via_request_id in referred_requests:
            return Source.CROSSPOST
        return Source.DIRECTORY
    if change.via_invitation_id:
        if change.via_invitation_id in crosspost_invitations:
            return Source.CROSSPOST
        if change.via_invitation_id in partner_links:
            return Source.PARTNER
        if change.via_invitation.email:
            return Source.EMAIL_INVITATION
        return Source.INVITATION_LINK
    return Source.DIRECT


def _retained(community: Community, user_id: int, joined: date) -> bool | None:
    """Active in the week from the 30th day after joining; None while that week is unrolled."""
    last = joined + timedelta(days=RETAINED_UNTIL)
    if not CommunityDay.objects.filter(community=community, day=last).exists():
        return None
    return MemberDay.objects.filter(
        community=community,
        user_id=user_id,
        day__gte=joined + timedelta(days=RETAINED_FROM),
        day__lte=last,
    ).exists()


def _join_rows(community: Community, day: date, start, end) -> tuple[list[MemberJoin], Counter]:
    """The day's joins, and how many of them came through each network account's
    cross-posts (by the account's id)."""
    joins = list(
        MembershipChange.objects.filter(
            community=community, kind=ChangeKind.JOINED, at__gte=start, at__lt=end
        ).select_related("via_invitation")
    )
    invitations = {change.via_invitation_id for change in joins if change.via_invitation_id}
    requests = {change.via_request_id for change in joins if change.via_request_id}
    # Which account published the cross-post each invitation or join request came through.
    crosspost_invitations = dict(
        CrossPost.objects.filter(invitation__in=invitations).values_list("invitation", "account")
    )
    referred = dict(
        Referral.objects.filter(join_request__in=requests).values_list(
            "join_request", "crosspost__account"
        )
    )
    partner_links = partner_rollups.partner_invitations(community)
    accounts: Counter = Counter()
    rows = []
    for change in joins:
        source = _source_of(change, crosspost_invitations, referred, partner_links)
        if source == Source.CROSSPOST:
            accounts[
                referred.get(change.via_request_id)
                or crosspost_invitations[change.via_invitation_id]
            ] += 1
        rows.append(
            MemberJoin(
                community=community,
                user_id=change.user_id,
                day=day,
                source=source,
                retained=_retained(community, change.user_id, day),
            )
        )
    return rows, accounts


def _account_rows(community: Community, day: date, joins: Counter) -> list[AccountDay]:
    """The day's visits and joins through each account's cross-posts."""
    visits = Counter(
        dict(
            VisitDay.objects.filter(crosspost__post__community=community, day=day)
            .order_by()
            .values_list("crosspost__account")
            .annotate(total=Sum("visits"))
            .values_list("crosspost__account", "total")
        )
    )
    ids = set(visits) | set(joins)
    accounts = ExternalAccount.objects.filter(pk__in=ids).values_list("pk", "platform", "handle")
    return [
        AccountDay(
            community=community,
            day=day,
            account_id=pk,
            platform=platform,
            handle=handle,
            visits=visits[pk],
            joins=joins[pk],
        )
        for pk, platform, handle in accounts
    ]


def _settle_retention(community: Community, day: date) -> None:
    """With `day` rolled up, the joins of 36 days before know whether they stayed active."""
    joined = day - timedelta(days=RETAINED_UNTIL)
    for join in MemberJoin.objects.filter(community=community, day=joined):
        join.retained = _retained(community, join.user_id, joined)
        join.save(update_fields=["retained"])


def _distinct_active(community: Community, first: date, last: date) -> tuple[int, int]:
    """People active, and people who contributed, on any day from `first` to `last`."""
    counts = MemberDay.objects.filter(community=community, day__gte=first, day__lte=last).aggregate(
        active=Count("user", distinct=True),
        contributors=Count("user", distinct=True, filter=Q(contributions__gt=0)),
    )
    return counts["active"], counts["contributors"]


def roll_up_day(community: Community, day: date) -> CommunityDay:
    """Replace `community`'s summary rows for `day` (its own date) with freshly counted ones.
    The days before it are rolled up already when its weekly and monthly counts matter."""
    start, end = day_bounds(community, day)
    contributed = activity.contributions(community, start, end)
    visited = set(
        MemberVisit.objects.filter(community=community, day=day).values_list("user_id", flat=True)
    )
    members = _members_at(community, end)
    changes = Counter(
        MembershipChange.objects.filter(community=community, at__gte=start, at__lt=end)
        .values_list("kind", flat=True)
        .order_by()
    )
    with transaction.atomic():
        for model in (
            MemberDay,
            TierDay,
            PostDay,
            TopPostWindow,
            RoomDay,
            MemberJoin,
            AccountDay,
            CommunityDay,
        ):
            model.objects.filter(community=community, day=day).delete()
        MemberDay.objects.bulk_create(
            (
                MemberDay(
                    community=community,
                    user_id=user_id,
                    day=day,
                    contributions=contributed[user_id],
                    visited=user_id in visited,
                )
                for user_id in set(contributed) | visited
            ),
            batch_size=1000,
        )
        TierDay.objects.bulk_create(_tier_rows(community, day, members))
        PostDay.objects.bulk_create(_post_rows(community, day, start, end), batch_size=1000)
        TopPostWindow.objects.bulk_create(_top_post_rows(community, day))
        RoomDay.objects.bulk_create(_room_rows(community, day, start, end))
        week, month, quarter = (
            _distinct_active(community, day - timedelta(days=days - 1), day) for days in WINDOWS
        )
        rolled = CommunityDay.objects.create(
            community=community,
            day=day,
            members=len(members),
            joined=changes[ChangeKind.JOINED],
            left=changes[ChangeKind.LEFT],
            banned=changes[ChangeKind.BANNED],
            active=len(set(contributed) | visited),
            active_week=week[0],
            active_month=month[0],
            active_quarter=quarter[0],
            contributors=len(contributed),
            contributors_week=week[1],
            contributors_month=month[1],
            contributors_quarter=quarter[1],
            contributions=sum(contributed.values()),
            crosspost_visits=VisitDay.objects.filter(
                crosspost__post__community=community, day=day
            ).aggregate(total=Sum("visits"))["total"]
            or 0,
        )
        join_rows, account_joins = _join_rows(community, day, start, end)
        MemberJoin.objects.bulk_create(join_rows)
        AccountDay.objects.bulk_create(_account_rows(community, day, account_joins))
        _settle_retention(community, day)
        partner_rollups.roll_up_partners_day(community, day, start, end)
        return rolled


def roll_up_cohorts(community: Community, through: date) -> None:
    """Count again the cohorts whose eight following weeks reach into `through`'s week: the
    members who first joined in each week, and how many were active in each week after.
    Activity counts through the latest day rolled up, so re-running an old day changes none."""
    latest = CommunityDay.objects.filter(community=community).aggregate(last=Max("day"))["last"]
    through = max(through, latest or through)
    last_week = week_start(through)
    first_week = last_week - timedelta(weeks=COHORT_WEEKS)
    first_start, _ = day_bounds(community, first_week)
    _, last_end = day_bounds(community, last_week + timedelta(days=6))
    first_joins = (
        MembershipChange.objects.filter(community=community, kind=ChangeKind.JOINED)
        .values("user_id")
        .annotate(first=Min("at"))
        .filter(first__gte=first_start, first__lt=last_end)
        .values_list("user_id", "first")
    )
    cohorts: dict[date, set[int]] = defaultdict(set)
    for user_id, first in first_joins:
        cohorts[week_start(local_day(community, first))].add(user_id)
    active_weeks: dict[int, set[date]] = defaultdict(set)
    everyone = set().union(*cohorts.values())
    for user_id, day in MemberDay.objects.filter(
        community=community, user_id__in=everyone, day__gte=first_week, day__lte=through
    ).values_list("user_id", "day"):
        active_weeks[user_id].add(week_start(day))
    rows = []
    for week, people in cohorts.items():
        for weeks_after in range(COHORT_WEEKS + 1):
            counted = week + timedelta(weeks=weeks_after)
            if counted > last_week:
                break
            rows.append(
                CohortWeek(
                    community=community,
                    week=week,
                    weeks_after=weeks_after,
                    members=len(people),
                    active=sum(1 for person in people if counted in active_weeks[person]),
                )
            )
    with transaction.atomic():
        CohortWeek.objects.filter(community=community, week__gte=first_week).delete()
        CohortWeek.objects.bulk_create(rows)


def roll_up_days(community: Community, first: date, last: date) -> int:
    """Roll up every day from `first` to `last`, oldest first, then the cohorts. The count."""
    day = first
    while day <= last:
        roll_up_day(community, day)
        day += timedelta(days=1)
    if first <= last:
        roll_up_cohorts(community, last)
    return max(0, (last - first).days + 1)


def roll_up_due(community: Community) -> int:
    """Roll up the community's finished days not rolled up yet (all of them, the first time)."""
    done = CommunityDay.objects.filter(community=community).aggregate(last=Max("day"))["last"]
    first = done + timedelta(days=1) if done else local_day(community, community.created_at)
    return roll_up_days(community, first, today(community) - timedelta(days=1))
