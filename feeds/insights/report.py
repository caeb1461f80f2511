"""What the Insights page shows, read from the summary tables only: a fixed handful of queries
for any period, any size of community (docs/insights.md defines each number).

Tables are built once here and used three ways: the page's tables, the charts drawn from
them, and their CSV downloads, so the three always hold the same numbers.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.chat.models import ChatRoom
from communities.models import Community
from feeds.crossposting.models import network_label
from feeds.insights.days import week_start
from feeds.insights.models import (
    AccountDay,
    CohortWeek,
    CommunityDay,
    MemberDay,
    MemberJoin,
    RoomDay,
    Source,
    TierDay,
    TopPostWindow,
)
from feeds.insights.periods import Period
from feeds.insights.rollups import COHORT_WEEKS, TOP_CANDIDATES, WINDOWS, ranked_posts
from feeds.insights.tables import Table
from feeds.insights.tables import share as _share
from feeds.lookups import IdIn
from feeds.models import Audience, Post
from sosoon_site.accounts.models import User
from sosoon_site.compiled_queries import compiled_rows, loaded

TOP = 5
# Ranked candidates read from the summary before asking the policy which may be named.
CANDIDATES = TOP_CANDIDATES


@dataclass
class Figure:
    """One headline number for the period beside the same number for the period before."""

    label: str
    now: float | None
    before: float | None
    percent: bool = False

    @property
    def change(self) -> float | None:
        if self.now is None or self.before is None:
            return None
        return self.now - self.before


def as_text(cell) -> str:
    """A cell as a CSV writes it: dates in ISO form, shares without a needless ".0"."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        return f"{cell:g}"
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


# A day's numbers as the page reads them, the columns of one compiled query: the ORM's
# building of the page's queries and its model instances cost more than the database's
# answers (sosoon_site/compiled_queries.py).
class DayRow(NamedTuple):
    day: date | None = None
    members: int = 0
    joined: int = 0
    left: int = 0
    banned: int = 0
    active: int = 0
    active_week: int = 0
    active_month: int = 0
    active_quarter: int = 0
    contributors: int = 0
    contributors_week: int = 0
    contributors_month: int = 0
    contributors_quarter: int = 0
    crosspost_visits: int = 0
    partner_visits: int = 0


def _days(community, period: Period) -> dict[date, DayRow]:
    """The rolled-up days of `period` and of the period before."""
    rows = compiled_rows(
        "insights-days",
        lambda community, first, last: (
            CommunityDay.objects.filter(community=community, day__gte=first, day__lte=last)
            .order_by()
            .values_list(*DayRow._fields)
        ),
        community=community.pk,
        first=period.previous().start,
        last=period.end,
    )
    return {row[0]: DayRow(*row) for row in rows}


def _series(days: dict[date, DayRow], period: Period) -> list[DayRow]:
    """One row per day of `period`; a day not rolled up reads as an empty one."""
    return [days.get(day) or DayRow(day=day) for day in period.each_day()]


def members_table(community, period: Period, days=None) -> Table:
    days = _days(community, period) if days is None else days
    table = Table(_("Members"), [_("Day"), _("Members"), _("Joined"), _("Left"), _("Banned")])
    for row in _series(days, period):
        table.rows.append([row.day, row.members, row.joined, row.left, row.banned])
    return table


def activity_table(community, period: Period, days=None) -> Table:
    days = _days(community, period) if days is None else days
    table = Table(
        _("Active members"),
        [
            _("Day"),
            _("Active that day"),
            _("Active in 7 days"),
            _("Active in 30 days"),
            _("Contributors"),
        ],
    )
    for row in _series(days, period):
        table.rows.append(
            [row.day, row.active, row.active_week, row.active_month, row.contributors]
        )
    return table


def cohorts_table(community, period: Period) -> Table:
    """The eight join weeks up to the period's end: members, then the share active in each
    of the eight weeks after (empty where that week has not come yet)."""
    last = week_start(period.end)
    first = last - timedelta(weeks=COHORT_WEEKS - 1)
    rows = compiled_rows(
        "insights-cohorts",
        lambda community, first, last: (
            CohortWeek.objects.filter(
                community=community, week__gte=first, week__lte=last, weeks_after__gte=1
            )
            .order_by()
            .values_list("week", "weeks_after", "members", "active")
        ),
        community=community.pk,
        first=first,
        last=last,
    )
    by_week: dict[date, dict[int, tuple[int, int]]] = {}
    sizes: dict[date, int] = {}
    for week, weeks_after, members, active in rows:
        by_week.setdefault(week, {})[weeks_after] = (active, members)
        sizes[week] = members
    table = Table(
        _("Retention by join week"),
        [_("Join week"), _("Members")]
        + [_("Week %(number)s") % {"number": n} for n in range(1, COHORT_WEEKS + 1)],
    )
    for week in sorted(sizes):
        cells = by_week[week]
        table.rows.append(
            [week, sizes[week]]
            + [_share(*cells[n]) if n in cells else None for n in range(1, COHORT_WEEKS + 1)]
        )
    return table


def tiers_table(community, period: Period) -> Table:
    ends = [period.end, period.previous().end]
    counts: dict[str, dict[date, int]] = {}
    ranks: dict[str, int] = {}
    rows = compiled_rows(
        "insights-tiers",
        lambda community, end, before_end: (
            TierDay.objects.filter(Q(day=end) | Q(day=before_end), community=community)
            .order_by()
            .values_list("tier_name", "day", "members", "tier_rank")
        ),
        community=community.pk,
        end=ends[0],
        before_end=ends[1],
    )
    for name, day, members, rank in rows:
        counts.setdefault(name, {})[day] = members
        ranks[name] = rank
    table = Table(
        _("Members by tier"), [_("Tier"), _("Members at the end"), _("The period before")]
    )
    for name in sorted(counts, key=lambda name: (ranks[name], name)):
        table.rows.append([name, counts[name].get(ends[0], 0), counts[name].get(ends[1], 0)])
    return table


def sources_table(community, period: Period, days=None) -> Table:
    """Visits and joins by where they came from, beside the period before; of the period's
    joins whose 30-day week has passed, how many were still active in it; and the engagement
    rate of the people who joined through each source in the period (of those active in it,
    the share who contributed), in the same one query over the join rows. Only cross-posts'
    and partners' tracked links count visits."""
    days = _days(community, period) if days is None else days
    visits = {
        Source.CROSSPOST: sum(row.crosspost_visits for row in _series(days, period)),
        Source.PARTNER: sum(row.partner_visits for row in _series(days, period)),
    }
    before = period.previous()

    def joins(community, first, start, before_end, last):
        now_q = Q(day__gte=start)
        # The partners' "engagement rate of their members" in the same shape, over the
        # period's joins of each source (feeds/insights/partners/report.py).
        active = MemberDay.objects.filter(
            community=community, day__gte=start, day__lte=last, user_id=OuterRef("user_id")
        )
        return (
            MemberJoin.objects.filter(community=community, day__gte=first, day__lte=last)
            .values("source")
            .annotate(
                now=Count("pk", filter=now_q),
                before=Count("pk", filter=Q(day__lte=before_end)),
                settled=Count("pk", filter=now_q & Q(retained__isnull=False)),
                retained=Count("pk", filter=now_q & Q(retained=True)),
                active=Count("user_id", distinct=True, filter=now_q & Q(Exists(active))),
                contributors=Count(
                    "user_id",
                    distinct=True,
                    filter=now_q & Q(Exists(active.filter(contributions__gt=0))),
                ),
            )
            .order_by()
            .values_list("source", "now", "before", "settled", "retained", "active", "contributors")
        )

    rows = compiled_rows(
        "insights-joins",
        joins,
        community=community.pk,
        first=before.start,
        start=period.start,
        before_end=before.end,
        last=period.end,
    )
    names = ("now", "before", "settled", "retained", "active", "contributors")
    counts = {source: dict(zip(names, numbers, strict=True)) for source, *numbers in rows}
    table = Table(
        _("Visits and joins by source"),
        [
            _("Source"),
            _("Visits"),
            _("Joined"),
            _("The period before"),
            _("Joined 36+ days ago"),
            _("Still active after 30 days"),
            _("Engagement rate of those who joined"),
        ],
    )
    for source in Source:
        row = counts.get(source.value)
        if row is None and not visits.get(source):
            continue
        row = row or dict.fromkeys(names, 0)
        table.rows.append(
            [
                source.label,
                visits.get(source),
                row["now"],
                row["before"],
                row["settled"],
                _share(row["retained"], row["settled"]),
                _share(row["contributors"], row["active"]),
            ]
        )
    return table


def accounts_table(community, period: Period) -> Table:
    """The cross-post source by the network account that published the cross-posts: visits
    to their tracked links and joins through them, in the period and the one before, the
    busiest first. An account is named by its network and handle as its days kept them."""
    before = period.previous()

    def accounts(community, first, start, before_end, last):
        now_q, before_q = Q(day__gte=start), Q(day__lte=before_end)
        return (
            AccountDay.objects.filter(community=community, day__gte=first, day__lte=last)
            .values("platform", "handle")
            .annotate(
                visits_now=Sum("visits", filter=now_q, default=0),
                joins_now=Sum("joins", filter=now_q, default=0),
                visits_before=Sum("visits", filter=before_q, default=0),
                joins_before=Sum("joins", filter=before_q, default=0),
            )
            .order_by("-joins_now", "-visits_now", "platform", "handle")
            .values_list(
                "platform", "handle", "visits_now", "joins_now", "visits_before", "joins_before"
            )
        )

    rows = compiled_rows(
        "insights-accounts",
        accounts,
        community=community.pk,
        first=before.start,
        start=period.start,
        before_end=before.end,
        last=period.end,
    )
    table = Table(
        _("Cross-posts by network account"),
        [
            _("Account"),
            _("Visits"),
            _("Joined"),
            _("Visits the period before"),
            _("Joined the period before"),
        ],
    )
    for platform, handle, *numbers in rows:
        account = _("%(network)s @%(handle)s") % {
            "network": network_label(platform),
            "handle": handle or "?",
        }
        table.rows.append([account, *numbers])
    return table


# A period of a preset's length reads its distinct counts from its last day's row.
_WINDOW_FIELDS = {
    7: ("active_week", "contributors_week"),
    30: ("active_month", "contributors_month"),
    90: ("active_quarter", "contributors_quarter"),
}


def _distinct(community, period: Period, days: dict[date, CommunityDay]) -> dict[str, int]:
    """Distinct active people and contributors in the period and in the one before: the only
    numbers that cannot be summed from days. The roll-up counted them for the presets'
    lengths into each day's row; another length is counted in one query over the member
    rows."""
    before = period.previous()
    if period.days in _WINDOW_FIELDS:
        active, contributors = _WINDOW_FIELDS[period.days]
        now, then = (days.get(day) or DayRow() for day in (period.end, before.end))
        return {
            "active_now": getattr(now, active),
            "active_before": getattr(then, active),
            "contributors_now": getattr(now, contributors),
            "contributors_before": getattr(then, contributors),
        }
    now_q, before_q = Q(day__gte=period.start), Q(day__lte=before.end)
    contributed = Q(contributions__gt=0)
    return MemberDay.objects.filter(
        community=community, day__gte=before.start, day__lte=period.end
    ).aggregate(
        active_now=Count("user", distinct=True, filter=now_q),
        active_before=Count("user", distinct=True, filter=before_q),
        contributors_now=Count("user", distinct=True, filter=now_q & contributed),
        contributors_before=Count("user", distinct=True, filter=before_q & contributed),
    )


def figures(community, period: Period, days) -> list[Figure]:
    now, before = _series(days, period), _series(days, period.previous())
    distinct = _distinct(community, period, days)

    def average_daily(rows) -> float:
        return sum(row.active for row in rows) / len(rows)

    def stickiness(rows) -> float | None:
        return _share(average_daily(rows), rows[-1].active_month)

    def rounded(rows) -> float:
        return round(average_daily(rows), 1)

    return [
        Figure(_("Members"), now[-1].members, before[-1].members),
        Figure(_("Joined"), sum(r.joined for r in now), sum(r.joined for r in before)),
        Figure(_("Left"), sum(r.left for r in now), sum(r.left for r in before)),
        Figure(_("Banned"), sum(r.banned for r in now), sum(r.banned for r in before)),
        Figure(_("Active a day, on average (DAU)"), rounded(now), rounded(before)),
        Figure(_("Active in the last 7 days (WAU)"), now[-1].active_week, before[-1].active_week),
        Figure(
            _("Active in the last 30 days (MAU)"), now[-1].active_month, before[-1].active_month
        ),
        Figure(_("Stickiness (DAU / MAU)"), stickiness(now), stickiness(before), percent=True),
        Figure(_("Active in the period"), distinct["active_now"], distinct["active_before"]),
        Figure(_("Contributors"), distinct["contributors_now"], distinct["contributors_before"]),
        Figure(
            _("Engagement rate"),
            _share(distinct["contributors_now"], distinct["active_now"]),
            _share(distinct["contributors_before"], distinct["active_before"]),
            percent=True,
        ),
    ]


@dataclass
class TopPost:
    post: Post
    comments: int
    reactions: int
    audience: int

    @property
    def interactions(self) -> int:
        return self.comments + self.reactions

    @property
    def engagement(self) -> float | None:
        return _share(self.interactions, self.audience)


_NAMED_POST = ("pk", "body_html", "author_id")
_NAMED_AUTHOR = ("author__display_name", "author__handle")


def _nameable(viewer, ids: list[int]) -> dict[int, tuple]:
    """Of `ids`, the live posts the audience policy lets `viewer` see now, but for circle
    posts: each one's row of `_NAMED_POST` and `_NAMED_AUTHOR` (`_named` makes it a post).
    The policy's query is compiled once per process and number of ids
    (sosoon_site/compiled_queries.py): building it costs more than running it."""
    if not ids:
        return {}
    rows = compiled_rows(
        "insights-nameable",
        lambda viewer, ids, now: (
            Post.objects.visible_to(User(pk=viewer), now=now)
            .filter(IdIn("pk", ids), deleted__isnull=True)
            .exclude(audience=Audience.CIRCLE)
            .order_by()
            .values_list(*_NAMED_POST, *_NAMED_AUTHOR)
        ),
        viewer=viewer.pk,
        ids=ids,
        now=timezone.now(),
    )
    return {row[0]: row for row in rows}


def _named(row: tuple) -> Post:
    """A post as the top list names it, with its author, from its `_nameable` row."""
    pk, body_html, author_id, display_name, handle = row
    post = loaded(Post, {"id": pk, "body_html": body_html, "author_id": author_id})
    post.author = loaded(User, {"id": author_id, "display_name": display_name, "handle": handle})
    return post


def top_posts(community, period: Period, viewer) -> list[TopPost]:
    """The most engaging posts of the period that the audience policy lets `viewer` see,
    leaving out every circle post: those count in the totals and are never named."""
    if period.days in WINDOWS:
        # Ranked by the roll-up of the period's last day, as below.
        fields = ("post_id", "comments", "reactions", "audience")
        # The window's length is a small integer (a preset), so it is part of the key.
        rows = compiled_rows(
            ("insights-top-posts", period.days),
            lambda community, day: (
                TopPostWindow.objects.filter(community=community, day=day, days=period.days)
                .order_by("rank")
                .values_list(*fields)
            ),
            community=community.pk,
            day=period.end,
        )
        ranked = [dict(zip(fields, row, strict=True)) for row in rows]
    else:
        ranked = ranked_posts(community, period.start, period.end, limit=CANDIDATES)
    named = _nameable(viewer, [row["post_id"] for row in ranked])
    shown = [row for row in ranked if row["post_id"] in named][:TOP]
    return [
        TopPost(_named(named[row["post_id"]]), row["comments"], row["reactions"], row["audience"])
        for row in shown
    ]


@dataclass
class TopRoom:
    room: ChatRoom
    messages: int
    people_a_day: float


def top_rooms(community, period: Period, viewer) -> list[TopRoom]:
    """The busiest rooms of the period among those chat's rule lets `viewer` read."""
    ranked = compiled_rows(
        ("insights-top-rooms", CANDIDATES),
        lambda community, first, last: (
            RoomDay.objects.filter(community=community, day__gte=first, day__lte=last)
            .values("room_id")
            .annotate(messages=Sum("messages"), chatter_days=Sum("chatters"))
            .order_by("-messages", "room_id")
            .values_list("room_id", "messages", "chatter_days")[:CANDIDATES]
        ),
        community=community.pk,
        first=period.start,
        last=period.end,
    )
    readable = _readable_rooms(viewer, [room_id for room_id, _, _ in ranked])
    return [
        TopRoom(readable[room_id], messages, round(chatter_days / period.days, 1))
        for room_id, messages, chatter_days in ranked
        if room_id in readable
    ][:TOP]


def _readable_rooms(viewer, ids: list[int]) -> dict[int, ChatRoom]:
    """Of the rooms `ids`, those chat's rule lets `viewer` read now (compiled once, as
    `_nameable` is), with their names."""
    if not ids:
        return {}
    rows = compiled_rows(
        "insights-readable-rooms",
        lambda viewer, ids: (
            ChatRoom.objects.readable_by(User(pk=viewer), direct=False)
            .filter(IdIn("pk", ids))
            .order_by()
            .values_list("pk", "name")
        ),
        viewer=viewer.pk,
        ids=ids,
    )
    return {pk: loaded(ChatRoom, {"id": pk, "name": name}) for pk, name in rows}


class Insights:
    """Everything the page shows for `period`, compared with the period before, each part
    read when the page first asks for it.

    The numbers change only when a roll-up writes (feeds/insights/rollups.py), so the page
    keeps them as rendered, per period and language, until `version` moves (the template's
    `{% cache %}`, as Discourse keeps its dashboard reports): a kept part is never read. The
    top posts and rooms are read on every view, through the audience policy and chat's
    rule, for the viewer.
    """

    def __init__(self, community, period: Period, viewer):
        self.community, self.period, self.viewer = community, period, viewer

    @cached_property
    def version(self) -> str:
        """What the summary rows were last written by: each roll-up of a day replaces that
        day's row (a new id), and the cohorts' roll-up its weeks'."""
        rows = compiled_rows(
            "insights-version",
            lambda community: (
                Community.objects.filter(pk=community)
                .annotate(
                    days=Subquery(_newest(CommunityDay, community)),
                    weeks=Subquery(_newest(CohortWeek, community)),
                )
                .values_list("days", "weeks")
            ),
            community=self.community.pk,
        )
        return "-".join(str(mark) for mark in rows[0]) if rows else ""

    @cached_property
    def days(self) -> dict[date, DayRow]:
        return _days(self.community, self.period)

    @cached_property
    def figures(self) -> list[Figure]:
        return figures(self.community, self.period, self.days)

    @cached_property
    def members(self) -> Table:
        return members_table(self.community, self.period, self.days)

    @cached_property
    def activity(self) -> Table:
        return activity_table(self.community, self.period, self.days)

    @cached_property
    def charted(self) -> list[tuple[Table, str, str]]:
        """The line charts' tables, names and what each line is (their images' text)."""
        return [
            (self.members, "members", _("members at the end of each day, joined, left, banned")),
            (
                self.activity,
                "activity",
                _("active that day, in 7 days, in 30 days, contributors"),
            ),
        ]

    @cached_property
    def tiers(self) -> Table:
        return tiers_table(self.community, self.period)

    @cached_property
    def sources(self) -> Table:
        return sources_table(self.community, self.period, self.days)

    @cached_property
    def accounts(self) -> Table:
        return accounts_table(self.community, self.period)

    @cached_property
    def cohorts(self) -> Table:
        return cohorts_table(self.community, self.period)

    @cached_property
    def posts(self) -> list[TopPost]:
        return top_posts(self.community, self.period, self.viewer)

    @cached_property
    def rooms(self) -> list[TopRoom]:
        return top_rooms(self.community, self.period, self.viewer)


def _newest(model, community):
    return model.objects.filter(community=community).order_by("-id").values("id")[:1]


def insights_for(community, period: Period, viewer) -> Insights:
    """Everything the page shows for `period`, compared with the period before."""
    return Insights(community, period, viewer)


TABLES = {
    "members": members_table,
    "activity": activity_table,
    "cohorts": cohorts_table,
    "sources": sources_table,
    "accounts": accounts_table,
}
