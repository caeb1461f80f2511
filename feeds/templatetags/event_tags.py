"""The home page's short list of upcoming events, read through the policy in one query."""

from django import template

from feeds.events.models import Event

register = template.Library()

HOME_EVENTS = 5


@register.simple_tag
def upcoming_events_for(user) -> list[Event]:
    """The next few events `user` may see that are not cancelled, soonest first."""
    if not user.is_authenticated:
        return []
    return list(
        Event.objects.visible_to(user)
        .upcoming()
        .filter(cancelled_at__isnull=True)
        .select_related("post__community")[:HOME_EVENTS]
    )
