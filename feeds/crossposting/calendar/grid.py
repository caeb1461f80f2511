"""The calendar's weeks and days, in the viewer's time zone, filled with cross-posts.

Whatever the number of accounts and cross-posts, a page costs the same few queries: the
accounts (one), the cross-posts in the range as plain values (one), and for the week view
the accounts' posting slots (one). A month day shows at most DAY_CHIPS cross-posts and says
how many more there are (the database picks them); the week view shows them all, hour by
hour.
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber, Substr, TruncDate
from django.utils import timezone

from feeds.crossposting.calendar.models import PostingSlot
from feeds.crossposting.models import CrossPost, CrossPostStatus, ExternalAccount
from feeds.crossposting.services.scheduling import text_while_public
from sosoon_site.compiled_queries import compiled_rows

DAY_CHIPS = 4
SNIPPET_LENGTH = 80
MOVABLE = (CrossPostStatus.SCHEDULED, CrossPostStatus.FAILED)


@dataclass(frozen=True)
class Chip:
    """One cross-post as the calendar shows it."""

    pk: int
    at: datetime
    status: str
    status_label: str
    account: ExternalAccount
    snippet: str

    @property
    def movable(self) -> bool:
        return self.status in MOVABLE


@dataclass
class Cell:
    """A day (month view) or an hour of a day (week view)."""

    start: datetime
    in_range: bool = True
    chips: list[Chip] = field(default_factory=list)
    more: int = 0
    slots: list[ExternalAccount] = field(default_factory=list)


def month_bounds(day: date) -> tuple[date, date]:
    """The Monday on or before the 1st of `day`'s month and the Monday after its last week."""
    first = day.replace(day=1)
    last = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    start = first - timedelta(days=first.weekday())
    end = last + timedelta(days=7 - last.weekday())
    return start, end


def week_bounds(day: date) -> tuple[date, date]:
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=7)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _community_ids(accounts: list[ExternalAccount]) -> list[int]:
    return sorted({account.community_id for account in accounts})


def _chips_query(*, account_ids, community_ids, start, end, now):
    """Every cross-post but the cancelled ones of the accounts in [start, end), in order; its
    text shown only while its post is public at `now` (scheduling.text_while_public)."""
    return (
        CrossPost.objects.filter(
            account_id__in=account_ids, scheduled_at__gte=start, scheduled_at__lt=end
        )
        .exclude(status=CrossPostStatus.CANCELLED)
        .annotate(
            snippet=text_while_public(
                Substr("text", 1, SNIPPET_LENGTH), community_ids=community_ids, now=now
            )
        )
        .order_by("scheduled_at", "pk")
    )


def chips_between(accounts: list[ExternalAccount], start: datetime, end: datetime) -> list[Chip]:
    """Every cross-post but the cancelled ones of `accounts` in [start, end), in order (the
    query compiled once per process and number of accounts, sosoon_site/compiled_queries.py)."""
    by_id = {account.pk: account for account in accounts}
    labels = dict(CrossPostStatus.choices)
    rows = compiled_rows(
        "calendar_chips",
        lambda **values: _chips_query(**values).values_list(
            "pk", "scheduled_at", "status", "account_id", "snippet"
        ),
        account_ids=sorted(by_id),
        community_ids=_community_ids(accounts),
        start=start,
        end=end,
        now=timezone.now(),
    )
    zone = timezone.get_current_timezone()
    return [
        Chip(pk, at.astimezone(zone), status, labels[status], by_id[account_id], snippet)
        for pk, at, status, account_id, snippet in rows
    ]


def _month_query(*, zone, **values):
    """The first DAY_CHIPS chips of each local day, each with its day's total."""
    return (
        _chips_query(**values)
        .annotate(local_day=TruncDate("scheduled_at", tzinfo=zone))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("local_day")],
                order_by=[F("scheduled_at").asc(), F("pk").asc()],
            ),
            day_total=Window(Count("pk"), partition_by=[F("local_day")]),
        )
        .filter(rank__lte=DAY_CHIPS)
        .values_list("pk", "scheduled_at", "status", "account_id", "snippet", "day_total")
    )


def month(accounts: list[ExternalAccount], day: date) -> list[list[Cell]]:
    """The weeks of `day`'s month, Monday first, each day with its first DAY_CHIPS chips and
    the count of the rest. The database ranks each day's cross-posts (a window over the local
    date), so a day with hundreds costs no more than a day with five; the query is compiled
    once per process, time zone and number of accounts (sosoon_site/compiled_queries.py)."""
    start, end = month_bounds(day)
    zone = timezone.get_current_timezone()
    by_id = {account.pk: account for account in accounts}
    labels = dict(CrossPostStatus.choices)
    rows = compiled_rows(
        ("calendar_month", str(zone)),
        lambda **values: _month_query(zone=zone, **values),
        account_ids=sorted(by_id),
        community_ids=_community_ids(accounts),
        start=_local_midnight(start),
        end=_local_midnight(end),
        now=timezone.now(),
    )
    by_day, totals = defaultdict(list), {}
    for pk, at, status, account_id, snippet, total in rows:
        local = at.astimezone(zone)
        by_day[local.date()].append(
            Chip(pk, local, status, labels[status], by_id[account_id], snippet)
        )
        totals[local.date()] = total
    weeks, current = [], start
    while current < end:
        week = []
        for offset in range(7):
            cell_day = current + timedelta(days=offset)
            chips = by_day.get(cell_day, [])
            week.append(
                Cell(
                    start=_local_midnight(cell_day),
                    in_range=cell_day.month == day.month,
                    chips=chips,
                    more=totals.get(cell_day, 0) - len(chips),
                )
            )
        weeks.append(week)
        current += timedelta(days=7)
    return weeks


def week(accounts: list[ExternalAccount], day: date) -> list[list[Cell]]:
    """24 rows of 7 hours (Monday first) of `day`'s week, with every chip and the accounts
    that have a posting slot in that hour."""
    start, end = week_bounds(day)
    begin, finish = _local_midnight(start), _local_midnight(end)
    by_hour = defaultdict(list)
    for chip in chips_between(accounts, begin, finish):
        by_hour[(chip.at.date(), chip.at.hour)].append(chip)
    by_id = {account.pk: account for account in accounts}
    slot_hours = defaultdict(list)
    zone = timezone.get_current_timezone()
    for slot in PostingSlot.objects.filter(account_id__in=list(by_id)):
        for moment in slot.occurrences(begin, finish):
            local = moment.astimezone(zone)
            slot_hours[(local.date(), local.hour)].append(by_id[slot.account_id])
    rows = []
    for hour in range(24):
        row = []
        for offset in range(7):
            cell_day = start + timedelta(days=offset)
            row.append(
                Cell(
                    start=datetime.combine(cell_day, time(hour), tzinfo=zone),
                    chips=by_hour.get((cell_day, hour), []),
                    slots=slot_hours.get((cell_day, hour), []),
                )
            )
        rows.append(row)
    return rows
