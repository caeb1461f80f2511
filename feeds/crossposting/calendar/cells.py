"""The calendar grid as HTML, built in Python.

A month has 42 cells and up to 168 chips, a week 168 cells and every chip in it. Through the
template language each chip cost a dozen lookups, filters and two URL reversals, and through
format_html a dozen lazy escapes, which made the month many times slower than a bare page
(tests/bench/bench_calendar.py). Here each cell and chip is one f-string over values
computed once per page. What a person typed (handles, post text) goes through
html.escape; everything else is made here (numbers, dates, choices, our own URLs).
"""

from html import escape
from urllib.parse import quote

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from feeds.crossposting.calendar.grid import Cell, Chip

_PLACEHOLDER = 987654321


class Links:
    """The URLs every cell and chip points at, reversed once per page, and what a chip shows
    of each account, made once per account."""

    def __init__(self, *, here: str, compose_query: str, week_query: str):
        self.move_prefix = reverse("crossposting:calendar_move", args=[_PLACEHOLDER]).replace(
            f"{_PLACEHOLDER}/", ""
        )
        self.choose = reverse("crossposting:calendar_choose")
        self.next = quote(here, safe="")
        self.compose_query = compose_query
        self.week_query = week_query
        self._schedule_prefix = escape(f"{self.choose}?at=")
        self._schedule_suffix = escape(f"&{compose_query}") if compose_query else ""
        self._accounts: dict[int, str] = {}

    def move(self, pk: int) -> str:
        return f"{self.move_prefix}{pk}/"

    def schedule_at(self, at: str) -> str:
        """The composer's URL for the local time `at` ("2031-06-03T12:00"), HTML-escaped."""
        return f"{self._schedule_prefix}{quote(at, safe='')}{self._schedule_suffix}"

    def account(self, account) -> str:
        """The chip's account part, e.g. `<span ...>X @brand</span>`."""
        shown = self._accounts.get(account.pk)
        if shown is None:
            shown = self._accounts[account.pk] = (
                f'<span class="chip__account">{account.get_platform_display()} '
                f"@{escape(account.handle)}</span>"
            )
        return shown


def chip(item: Chip, links: Links) -> str:
    clock = f"{item.at:%H:%M}"
    move = links.move(item.pk)
    drag = f' draggable="true" data-move-url="{move}" data-time="{clock}"' if item.movable else ""
    return (
        f'<li class="chip chip--{item.status} chip--{item.account.platform}" data-testid="chip" '
        f'id="chip-{item.pk}"{drag}><a href="{move}?next={links.next}" '
        f'title="{escape(item.snippet)}"><time datetime="{item.at.isoformat()}">{clock}</time> '
        f'{links.account(item.account)} <span class="chip__status">{item.status_label}</span>'
        "</a></li>"
    )


def _chips(cell: Cell, links: Links) -> str:
    if not cell.chips:
        return ""
    return '<ul class="chips">' + "".join(chip(item, links) for item in cell.chips) + "</ul>"


def _more(count: int) -> str:
    return ngettext("+%(count)s more", "+%(count)s more", count) % {"count": count}


def month_cell(cell: Cell, links: Links, *, today) -> str:
    day = cell.start.date()
    iso = day.isoformat()
    classes = "calendar__cell"
    if not cell.in_range:
        classes += " is-outside"
    if day == today:
        classes += " is-today"
    more = (
        f'<a class="calendar__more" href="?{escape(links.week_query)}&amp;date={iso}">'
        f"{escape(_more(cell.more))}</a>"
        if cell.more
        else ""
    )
    empty = (
        f'<a class="calendar__empty" href="{links.schedule_at(f"{iso}T12:00")}" '
        f'data-testid="schedule-here"><span class="sr-only">'
        + escape(_("Schedule on %(day)s") % {"day": date_format(day, "D j M")})
        + '</span><span aria-hidden="true">+</span></a>'
        if day >= today
        else ""
    )
    return (
        f'<td class="{classes}" data-day="{iso}" data-testid="day-{iso}">'
        f'<span class="calendar__date">{day.day}</span>{_chips(cell, links)}{more}{empty}</td>'
    )


def week_cell(cell: Cell, links: Links, *, now) -> str:
    day = cell.start.date().isoformat()
    hour = f"{cell.start:%H}"
    past = cell.start.timestamp() + 3600 <= now.timestamp()
    classes = "calendar__cell"
    if past:
        classes += " is-past"
    if cell.slots:
        classes += " has-slot"
    slots = (
        '<span class="calendar__slot" title="'
        + escape(_("Posting slot"))
        + '">'
        + escape(", ".join(f"{a.get_platform_display()} @{a.handle}" for a in cell.slots))
        + "</span>"
        if cell.slots
        else ""
    )
    empty = (
        ""
        if past
        else f'<a class="calendar__empty" href="{links.schedule_at(f"{day}T{hour}:00")}" '
        f'data-testid="schedule-here"><span class="sr-only">'
        + escape(_("Schedule at %(moment)s") % {"moment": date_format(cell.start, "D j M H:i")})
        + '</span><span aria-hidden="true">+</span></a>'
    )
    return (
        f'<td class="{classes}" data-day="{day}" data-hour="{hour}" '
        f'data-testid="cell-{day}T{hour}">{slots}{_chips(cell, links)}{empty}</td>'
    )


def month_rows(weeks: list[list[Cell]], links: Links, *, today) -> SafeString:
    """The month's <tr> rows."""
    # Every value in the cells is escaped or made here (see the module docstring).
    return mark_safe(
        "".join(
            "<tr>" + "".join(month_cell(cell, links, today=today) for cell in week) + "</tr>"
            for week in weeks
        )
    )


def week_rows(rows: list[list[Cell]], links: Links, *, now) -> SafeString:
    """The week's <tr> rows, one per hour, with the hour as the row's header."""
    # Every value in the cells is escaped or made here (see the module docstring).
    return mark_safe(
        "".join(
            f'<tr><th scope="row">{row[0].start:%H:%M}</th>'
            + "".join(week_cell(cell, links, now=now) for cell in row)
            + "</tr>"
            for row in rows
        )
    )
