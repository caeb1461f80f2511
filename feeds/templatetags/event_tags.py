"""The home page's short list of upcoming events, read through the policy.

Every home page asks, with events or without, so the policy's query is compiled once per
process (sosoon_site.compiled_queries) and only the viewer and the moment change; the few
events found are then read by id."""

from django import template
from django.utils import timezone

from communities.models import Membership, MembershipStatus
from feeds.events.models import Event
from feeds.models import Post
from sosoon_site.accounts.models import User
from sosoon_site.compiled_queries import compiled_rows

register = template.Library()

HOME_EVENTS = 5


def _upcoming_ids(viewer: int, now) -> "list[tuple[int]]":
    def build(viewer, now):
        person = User(pk=viewer)
        mine = Membership.objects.filter(user=person, status=MembershipStatus.ACTIVE)
        return (
            Event.objects.filter(
                post__in=Post.objects.visible_to(person, now=now).live().values("pk"),
                ends_at__gte=now,
                cancelled_at__isnull=True,
                post__community__in=mine.values("community"),
            )
            .order_by("starts_at", "pk")
            .values_list("pk")[:HOME_EVENTS]
        )

    return compiled_rows("home_events", build, viewer=viewer, now=now)


@register.simple_tag
def upcoming_events_for(user) -> list[Event]:
    """The next few events `user` may see in their own communities (as the home feed shows
    their posts) that are not cancelled, soonest first."""
    if not user.is_authenticated:
        return []
    ids = [pk for (pk,) in _upcoming_ids(user.pk, timezone.now())]
    if not ids:
        return []
    found = Event.objects.filter(pk__in=ids).select_related("post__community").in_bulk()
    return [found[pk] for pk in ids]
