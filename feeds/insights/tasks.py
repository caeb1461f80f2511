"""The roll-up job: django-q2 runs it every hour, so each community's finished day is rolled
up soon after its own midnight, whatever its time zone."""

from communities.models import Community
from feeds.insights.rollups import roll_up_due


def roll_up_insights() -> int:
    """Roll up every community's finished days not rolled up yet; the number of days."""
    return sum(roll_up_due(community) for community in Community.objects.iterator())
