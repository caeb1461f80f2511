"""The home page's short list of upcoming events, read through the policy in one query."""

from django import template

from communities.models import Membership, MembershipStatus
from feeds.events.models import Event

register = template.Library()

HOME_EVENTS = 5


@register.simple_tag
def upcoming_events_for(user) -> list[Event]:
    """The next few events `user` may see in their own communities (as the home feed shows
    their posts) that are not cancelled, soonest first."""
    if not user.is_authenticated:
        return []
    mine = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
    return list(
        Event.objects.visible_to(user)
        .upcoming()
        .filter(cancelled_at__isnull=True, post__community__in=mine.values("community"))
        .select_related("post__community")[:HOME_EVENTS]
    )
