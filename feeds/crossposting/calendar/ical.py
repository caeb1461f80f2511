"""The schedule as iCalendar (RFC 5545), built with the icalendar package: one event per
cross-post that is scheduled, on its way or published, from a week ago to three months ahead,
so a person can see their publishing plan beside the rest of their day. An event carries the
cross-post's text only while its post is public (scheduling.text_while_public)."""

from datetime import timedelta

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from feeds.crossposting.calendar.access import managed_accounts, managed_communities
from feeds.crossposting.models import CrossPost, CrossPostStatus
from feeds.crossposting.services.scheduling import text_while_public

SHOWN = (CrossPostStatus.SCHEDULED, CrossPostStatus.PUBLISHING, CrossPostStatus.PUBLISHED)
EVENT_MINUTES = 15


def schedule_calendar(user, *, host: str) -> bytes:
    """The iCalendar document of `user`'s schedule; UIDs are stable per cross-post."""
    now = timezone.now()
    feed = Calendar()
    feed.add("prodid", "-//Sosoon//Publishing calendar//EN")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", _("Sosoon publishing calendar"))
    crossposts = (
        CrossPost.objects.filter(
            account__in=managed_accounts(user).values("pk"),
            status__in=SHOWN,
            scheduled_at__gte=now - timedelta(days=7),
            scheduled_at__lt=now + timedelta(days=92),
        )
        .select_related("account__community")
        .annotate(
            shown_text=text_while_public(
                F("text"), community_ids=managed_communities(user).values("pk")
            )
        )
        .order_by("scheduled_at", "pk")
    )
    for crosspost in crossposts:
        event = Event()
        event.add("uid", f"crosspost-{crosspost.pk}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", crosspost.scheduled_at)
        event.add("dtend", crosspost.scheduled_at + timedelta(minutes=EVENT_MINUTES))
        event.add("summary", f"{crosspost.account} ({crosspost.get_status_display()})")
        event.add("description", crosspost.shown_text)
        page = reverse("crossposting:list", args=[crosspost.account.community.slug])
        event.add("url", f"https://{host}{page}")
        feed.add_component(event)
    return feed.to_ical()
