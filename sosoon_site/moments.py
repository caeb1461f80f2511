"""The one way Sosoon shows a moment: relative within a day ("5 min ago", "in 2 h"), the date
after ("1 Dec", with the year when it is not this year's), and the full time in the reader's
time zone as the tooltip of a `<time>` element whose `datetime` is machine-readable.

Every page and the feed's cards show times through `moment_html` (templates through the
`|moment` filter), so a post, a comment, a notification and a moderation log line read alike.
"The reader's time zone" is the active one: UserTimeZoneMiddleware activates the signed-in
person's own. Cards call this once per post, so the day and month names are looked up once
per language rather than through the date filter's machinery each time.
"""

import html
from datetime import datetime
from functools import lru_cache

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR


@lru_cache(maxsize=512)
def _names(language: str | None, weekday: int, month: int) -> tuple[str, str, str]:
    """The weekday's name and the month's short and long names in `language` (the active
    one: the lazy names are translated when read)."""
    return str(WEEKDAYS[weekday]), str(MONTHS_3[month]).title(), str(MONTHS[month])


def as_moment(value) -> datetime | None:
    """`value` as an aware datetime: a datetime, or the ISO text a snapshot keeps."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if not isinstance(value, datetime):
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.utc)
    return value


def _relative(seconds: float) -> str | None:
    """`seconds` from now (negative: past) in words, or None beyond a day."""
    size = abs(seconds)
    if size >= DAY:
        return None
    if size < MINUTE:
        return _("just now")
    if size < HOUR:
        amount = _("%(count)d min") % {"count": size // MINUTE}
    else:
        amount = _("%(count)d h") % {"count": size // HOUR}
    if seconds < 0:
        return _("%(amount)s ago") % {"amount": amount}
    return _("in %(amount)s") % {"amount": amount}


def moment_text(moment: datetime, *, now: datetime | None = None) -> str:
    """What the reader sees: "5 min ago" within a day, else "1 Dec" (this year) or
    "1 Dec 2025", the date as it is in the active time zone."""
    now = now or timezone.now()
    relative = _relative((moment - now).total_seconds())
    if relative is not None:
        return relative
    local, today = timezone.localtime(moment), timezone.localtime(now)
    _, month, _ = _names(get_language(), local.weekday(), local.month)
    if local.year == today.year:
        return f"{local.day} {month}"
    return f"{local.day} {month} {local.year}"


def moment_title(moment: datetime) -> str:
    """The full time for the tooltip: "Tuesday 1 December 2026, 18:38 (Europe/Sofia)"."""
    local = timezone.localtime(moment)
    weekday, _, month = _names(get_language(), local.weekday(), local.month)
    zone = timezone.get_current_timezone_name()
    return f"{weekday} {local.day} {month} {local.year}, {local:%H:%M} ({zone})"


def moment_html(value, *, now: datetime | None = None, css_class: str = "") -> SafeString:
    """`<time datetime="…" title="full time">5 min ago</time>`; empty for no moment."""
    moment = as_moment(value)
    if moment is None:
        return mark_safe("")
    local = timezone.localtime(moment)
    classes = f' class="{html.escape(css_class)}"' if css_class else ""
    return mark_safe(
        f'<time datetime="{local.isoformat()}" title="{html.escape(moment_title(moment))}"'
        f"{classes}>{html.escape(moment_text(moment, now=now))}</time>"
    )
