"""Events as iCalendar (RFC 5545), built with the icalendar package: one event's .ics and a
person's private feed of the events they may see and are going to.

What is shown is what the page shows: an online link kept for people going appears only in a
calendar of someone going, and the feed is read through the policy when it is fetched, so an
event one can no longer see drops out of it at once.
"""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from feeds.events.models import RSVP, Event, RSVPStatus
from sosoon_site.rendering import plain_text

# How far back the private feed reaches: recent events stay in a calendar app's history.
FEED_HISTORY = timedelta(days=30)


def shows_link(event: Event, user, *, going: bool) -> bool:
    """Whether `user` may see the online link: anyone who sees the event, unless it is kept
    for people going (the organiser sees it too)."""
    if not event.online_link:
        return False
    return not event.link_only_for_going or going or event.post.author_id == user.pk


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Sosoon//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def _component(event: Event, *, site_url: str, host: str, link: bool) -> CalendarEvent:
    component = CalendarEvent()
    component.add("uid", f"event-{event.pk}@{host}")
    component.add("dtstamp", timezone.now())
    component.add("dtstart", event.starts_at)
    component.add("dtend", event.ends_at)
    component.add("summary", event.title)
    component.add("description", plain_text(event.post.body_html))
    where = [event.place] if event.place else []
    if link:
        where.append(event.online_link)
    if where:
        component.add("location", " · ".join(where))
    component.add("url", site_url + event.get_absolute_url())
    component.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return component


def event_calendar(event: Event, user, *, site_url: str, host: str) -> bytes:
    """One event's .ics for `user`, who may see it (the caller asked `access_event`)."""
    going = (
        user.is_authenticated
        and RSVP.objects.filter(event=event, user=user, status=RSVPStatus.GOING).exists()
    )
    calendar = _calendar(event.title)
    calendar.add_component(
        _component(event, site_url=site_url, host=host, link=shows_link(event, user, going=going))
    )
    return calendar.to_ical()


def personal_calendar(user, *, site_url: str, host: str) -> bytes:
    """`user`'s private feed: events they may see now and said they are going to (or organise),
    from a month ago on."""
    going = RSVP.objects.filter(user=user, status=RSVPStatus.GOING).values("event_id")
    events = (
        Event.objects.visible_to(user)
        .filter(Q(pk__in=going) | Q(post__author=user))
        .filter(ends_at__gte=timezone.now() - FEED_HISTORY)
        .select_related("post")
        .order_by("starts_at", "pk")
    )
    going_ids = set(going.values_list("event_id", flat=True))
    calendar = _calendar(_("Sosoon events"))
    for event in events:
        link = shows_link(event, user, going=event.pk in going_ids)
        calendar.add_component(_component(event, site_url=site_url, host=host, link=link))
    return calendar.to_ical()
