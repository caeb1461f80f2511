"""The periods a digest covers: yesterday, or last week (Monday to Monday), in the person's
own time zone, so "today" and "this week" end at their midnight, not the server's."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from feeds.digests.models import Frequency


@dataclass(frozen=True)
class Period:
    """[start, end): what a digest covers; it is due once `end` has passed."""

    frequency: str
    start: datetime
    end: datetime

    @property
    def words(self) -> str:
        """How the mail names the period ("yesterday", "last week")."""
        return _("yesterday") if self.frequency == Frequency.DAILY else _("last week")


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def last_closed_period(frequency: str, *, now: datetime, time_zone: str) -> Period:
    """The newest daily or weekly period that has ended by `now` where the person lives."""
    zone = ZoneInfo(time_zone or "UTC")
    today = now.astimezone(zone).date()
    if frequency == Frequency.DAILY:
        end = today
        start = end - timedelta(days=1)
    else:
        end = today - timedelta(days=today.weekday())
        start = end - timedelta(days=7)
    return Period(frequency, _midnight(start, zone), _midnight(end, zone))
