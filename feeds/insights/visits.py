"""Recording that a member opened the community's feed today: what makes a reader active."""

from django.core.cache import cache

from feeds.insights.days import today
from feeds.insights.models import MemberVisit

# A little over a day: the key names the date, so it only has to outlive that date.
_REMEMBERED_SECONDS = 26 * 3600


def record_visit(user, community) -> None:
    """Note that `user` (an active member) opened `community`'s feed on the community's date.
    The first open of the day writes one row; the cache spares the database every later one."""
    day = today(community)
    key = f"insights:visit:{community.pk}:{user.pk}:{day.isoformat()}"
    if not cache.add(key, 1, _REMEMBERED_SECONDS):
        return
    MemberVisit.objects.bulk_create(
        [MemberVisit(community=community, user=user, day=day)], ignore_conflicts=True
    )
