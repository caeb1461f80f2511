"""Event pages: a community's Events tab, the new-event and edit forms, an event's page with
its RSVP buttons, attendees and comments, its .ics, and a person's private calendar feed.

Every page that shows an event reads it through `access_event` or `Event.objects.visible_to`,
which are the audience policy's post rules seen from the event.
"""

import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities.permissions import access_community, page_context
from feeds.audiences import choice_value
from feeds.crossposting.services.scheduling import is_public, may_manage_crossposts
from feeds.events.calendar import event_calendar, personal_calendar, shows_link
from feeds.events.forms import EventForm
from feeds.events.models import RSVP, Event, RSVPStatus
from feeds.events.services.calendar_feeds import (
    access_calendar_feed,
    calendar_feed_of,
    do_renew_calendar_feed,
    do_revoke_calendar_feed,
)
from feeds.events.services.events import (
    access_event,
    check_cancel_event,
    check_create_event,
    check_edit_event,
    may_organise,
)
from feeds.events.services.rooms import has_open_room, room_for
from feeds.events.services.rsvps import check_rsvp
from feeds.feed import card, comment_thread
from feeds.forms import CommentForm
from feeds.services.posts import active_membership
from feeds.services.screening import held_notice
from sosoon_site.accounts.blocks import blocked_user_ids

ICS_TYPE = "text/calendar; charset=utf-8"


def community_events(request, slug):
    """A community's events the viewer may see: upcoming soonest first, then past ones."""
    community = access_community(request, slug)
    events = Event.objects.visible_to(request.user).filter(post__community=community)
    is_member = active_membership(request.user, community.pk) is not None
    return render(
        request,
        "feeds/events/community_events.html",
        {
            **page_context(request, community),
            "upcoming": events.upcoming(),
            "past": events.past()[:20],
            "may_create": is_member,
        },
    )


@login_required
def new_event(request, slug):
    """The new-event form: the event and its post are made together, or nothing is."""
    community = access_community(request, slug)
    if active_membership(request.user, community.pk) is None:
        messages.error(
            request,
            _("Only members of %(community)s can create its events.")
            % {"community": community.name},
        )
        return redirect("events:community", slug=community.slug)
    form = EventForm(
        request.POST or None, request.FILES or None, author=request.user, community=community
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = check_create_event(request.user, community, **form.event_fields())
        except ValidationError as error:
            form.add_validation_error(error)
        else:
            if event.held_reason:
                messages.info(request, held_notice("post", event.held_reason))
            return redirect(event)
    return render(
        request, "feeds/events/event_form.html", {**page_context(request, community), "form": form}
    )


@login_required
def edit_event(request, event_id):
    """The author edits the event; people going or waitlisted are told once."""
    event = access_event(request.user, event_id)
    if event.post.author_id != request.user.pk:
        messages.error(request, _("Only the event's author can edit it."))
        return redirect(event)
    post = event.post
    initial = {
        "title": event.title,
        "starts_at": event.starts_at.astimezone(zoneinfo.ZoneInfo(event.time_zone)).replace(
            tzinfo=None
        ),
        "ends_at": event.ends_at.astimezone(zoneinfo.ZoneInfo(event.time_zone)).replace(
            tzinfo=None
        ),
        "time_zone": event.time_zone,
        "place": event.place,
        "online_link": event.online_link,
        "link_only_for_going": event.link_only_for_going,
        "capacity": event.capacity,
        "chat_room": has_open_room(event),
        "body": post.body,
        "audience": choice_value(
            post.audience, min_tier_id=post.min_tier_id, circle_id=post.circle_id
        ),
    }
    form = EventForm(
        request.POST or None,
        initial=initial,
        author=request.user,
        community=post.community,
        with_images=False,
        was_start=event.starts_at,
    )
    if request.method == "POST" and form.is_valid():
        try:
            check_edit_event(request.user, event.pk, **form.event_fields())
        except ValidationError as error:
            form.add_validation_error(error)
        else:
            messages.success(request, _("Event updated; the people going were told."))
            return redirect(event)
    return render(
        request,
        "feeds/events/event_form.html",
        {**page_context(request, post.community), "form": form, "event": event},
    )


def _attendees(event: Event, viewer) -> dict[str, list[RSVP]]:
    """Who answered, by answer, leaving out people the viewer blocked or is blocked by."""
    rsvps = (
        RSVP.objects.filter(event=event)
        .exclude(status=RSVPStatus.NOT_GOING)
        .exclude(user__in=blocked_user_ids(viewer))
        .select_related("user")
        .order_by("waitlist_position", "responded_at", "pk")
    )
    groups: dict[str, list[RSVP]] = {status: [] for status in RSVPStatus.values}
    for rsvp in rsvps:
        groups[rsvp.status].append(rsvp)
    return groups


def event_detail(request, event_id):
    """The event: when and where, the RSVP buttons, who is coming and the comments."""
    event = access_event(request.user, event_id)
    post = card(event.post_id, request.user)
    viewer = request.user
    mine = (
        RSVP.objects.filter(event=event, user=viewer).first() if viewer.is_authenticated else None
    )
    is_member = active_membership(viewer, post.community_id) is not None
    going = mine is not None and mine.status == RSVPStatus.GOING
    attendees = _attendees(event, viewer) if is_member else None
    going_count = RSVP.objects.filter(event=event, status=RSVPStatus.GOING).count()
    return render(
        request,
        "feeds/events/event.html",
        {
            "event": event,
            "post": post,
            "mine": mine,
            "is_member": is_member,
            "show_link": shows_link(event, viewer, going=going),
            "attendees": attendees,
            "going_count": going_count,
            "places_left": None if event.capacity is None else max(event.capacity - going_count, 0),
            "answers": [
                (RSVPStatus.GOING, _("Going")),
                (RSVPStatus.MAYBE, _("Maybe")),
                (RSVPStatus.NOT_GOING, _("Can't go")),
            ],
            "chat_room": room_for(viewer, event),
            "room_is_open": has_open_room(event) and not event.is_cancelled,
            "comments": comment_thread(post, viewer),
            "comment_form": CommentForm() if is_member and not post.is_removed else None,
            "is_author": viewer.is_authenticated and event.post.author_id == viewer.pk,
            "may_cancel": viewer.is_authenticated and may_organise(viewer, event),
            # A public event is a public post: its teaser is cross-posted like any other.
            "can_crosspost": viewer.is_authenticated
            and may_manage_crossposts(viewer, post.community)
            and is_public(post),
        },
    )


@login_required
@require_POST
def rsvp(request, event_id):
    """Going, maybe or can't go; a full event puts "going" on the waitlist."""
    event = access_event(request.user, event_id)
    try:
        answer = check_rsvp(request.user, event, request.POST.get("answer", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if answer.status == RSVPStatus.WAITLISTED:
            messages.info(request, _("The event is full: you are on the waitlist."))
        else:
            messages.success(
                request, _("Your answer: %(answer)s.") % {"answer": answer.get_status_display()}
            )
    return redirect(event)


@login_required
@require_POST
def cancel_event(request, event_id):
    event = access_event(request.user, event_id)
    try:
        check_cancel_event(request.user, event.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Event cancelled; the people going were told."))
    return redirect(event)


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=ICS_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def event_ics(request, event_id):
    """The event as an .ics file, for whoever may see it."""
    event = access_event(request.user, event_id)
    body = event_calendar(
        event, request.user, site_url=settings.SOSOON_SITE_URL, host=request.get_host()
    )
    return _ics(body, f"event-{event.pk}.ics")


@login_required
def calendar_settings(request):
    """The private calendar address: show it, make a new one, or turn it off."""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            do_revoke_calendar_feed(request.user)
            messages.success(
                request, _("Your calendar address is off; the old one no longer works.")
            )
        else:
            do_renew_calendar_feed(request.user)
            messages.success(
                request, _("Your calendar has a new address; the old one no longer works.")
            )
        return redirect("events:calendar_settings")
    feed = calendar_feed_of(request.user)
    return render(request, "feeds/events/calendar_settings.html", {"feed": feed})


def calendar_feed(request, token):
    """A person's events as a calendar feed, read through the policy at every fetch."""
    feed = access_calendar_feed(token)
    body = personal_calendar(feed.user, site_url=settings.SOSOON_SITE_URL, host=request.get_host())
    return _ics(body, "sosoon-events.ics")
