"""Insights' jobs: django-q2 runs both every hour, so each community's finished day is rolled
up soon after its own midnight, and its weekly email goes out soon after its Monday's,
whatever its time zone."""

from django.utils import timezone

from communities.models import Community
from feeds.insights import weekly
from feeds.insights.rollups import roll_up_due


def roll_up_insights() -> int:
    """Roll up every community's finished days not rolled up yet; the number of days."""
    return sum(roll_up_due(community) for community in Community.objects.iterator())


def send_weekly_insights() -> str:
    """Hourly: send the weekly Insights emails owed now (a community's week is due from its
    Monday midnight, once its Sunday is rolled up); the count of each outcome."""
    outcomes = weekly.send_weekly_insights(timezone.now())
    return ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items())) or "none"
