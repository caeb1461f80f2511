"""A community's days: midnight to midnight in its time zone, as the instants a query needs."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone


def zone_of(community) -> ZoneInfo:
    return ZoneInfo(community.time_zone)


def day_bounds(community, day: date) -> tuple[datetime, datetime]:
    """The first instant of `day` in the community's zone and the first of the next day.
    Across a change of clocks the day is 23 or 25 hours long, as its people lived it."""
    zone = zone_of(community)
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def local_day(community, instant: datetime) -> date:
    """The community's date at `instant`."""
    return instant.astimezone(zone_of(community)).date()


def today(community) -> date:
    return local_day(community, timezone.now())


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())
