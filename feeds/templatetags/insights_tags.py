"""How Insights writes its numbers: a change with its sign, a share with its per cent sign,
and the shade of a retention cell (a class: the page's policy allows no inline styles).

The day-by-day tables (up to 90 rows of five numbers) and the retention heat-map are written
here in Python rather than by template loops: a loop with a filter per cell was most of the
page's time, for text this plain (every cell a number, a date or an escaped heading).
"""

import html
from functools import lru_cache

from django import template
from django.utils import dateformat, translation
from django.utils.safestring import SafeString, mark_safe

register = template.Library()
# Typographic signs, written by code point: an en dash for "nothing", a true minus sign.
NOTHING = "\u2013"
MINUS = "\u2212"


@register.filter
def number(value, percent: bool = False) -> str:
    """A count, a one-decimal average, or a share; an em dash when there is nothing to show."""
    if value is None:
        return NOTHING
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text}%" if percent else text


@register.filter
def signed(value, percent: bool = False) -> str:
    """A change, with a plus or minus sign in front ("points" for a change of share)."""
    if value is None:
        return NOTHING
    value = round(value, 1)
    sign = "+" if value > 0 else MINUS if value < 0 else "\u00b1"
    text = f"{abs(value):g}"
    return f"{sign}{text} pts" if percent else f"{sign}{text}"


@register.filter
def heat(share) -> str:
    """The heat-map class of a retention share: `heat-0` to `heat-10`, `heat-none` if empty."""
    if share is None:
        return "heat-none"
    return f"heat-{min(10, int(share // 10))}"


DAY_FORMAT = "j M Y"


@lru_cache(maxsize=2048)
def _day(day, language: str | None) -> str:
    # The language is part of the key: month names are translated.
    return html.escape(dateformat.format(day, DAY_FORMAT))


def day_label(day) -> str:
    """A row's day as the page writes it ("3 Dec 2026"), escaped."""
    return _day(day, translation.get_language())


@register.simple_tag
def day_rows(table) -> SafeString:
    """The rows of a day-by-day table: the day as the row's heading, then its numbers."""
    return mark_safe(
        "".join(
            f'<tr><th scope="row">{day_label(row[0])}</th>'
            + "".join(f"<td>{html.escape(number(cell))}</td>" for cell in row[1:])
            + "</tr>"
            for row in table.rows
        )
    )


@register.simple_tag
def cohort_rows(table) -> SafeString:
    """The retention heat-map's rows: the join week, its members, then each week's share in
    its shade."""
    return mark_safe(
        "".join(
            f'<tr><th scope="row">{day_label(row[0])}</th><td>{html.escape(str(row[1]))}</td>'
            + "".join(
                f'<td class="{heat(share)}">{html.escape(number(share, True))}</td>'
                for share in row[2:]
            )
            + "</tr>"
            for row in table.rows
        )
    )
