"""An event's chat room for those going: opened, closed and kept in step with the RSVPs.

Chat decides who reads a room, in its one rule (`ChatRoom.objects.readable_by`); an event's
room is a `listed_only` room whose list is the event's author and the people going who may
see the event, which these functions rewrite in the same transaction as every change of who
is going (an answer, a promotion from the waitlist, an edit, a cancellation) and of who sees
it (feeds.events.receivers: a block, public teasers turned off, moderation hiding the post).
The rule adds the community's owner and admins, as it does for tier rooms, and asks for an
active membership. The room itself has no minimum tier: the list already holds only those
the event's audience allows (a tier event's author below its tier included), and a member's
change of tier rewrites it like any other change of who sees the event. So someone who stops
going, or whose event is cancelled, loses the room in the transaction that says so, and
their open sockets drop it once it commits (communities.chat.services.do_set_listed_people
revokes them).

A circle event takes no room: the owner and admins would read a room a circle's post keeps
from them (the audience policy shows them a circle post only once it is reported).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from communities.chat.models import ChatRoom
from communities.chat.services import (
    access_room,
    do_open_listed_room,
    do_set_listed_people,
    do_update_room,
)
from feeds.events.models import RSVP, Event, RSVPStatus
from feeds.models import Audience
from feeds.policy import audience_of
from sosoon_site.languages import ReadersWords

CLOSED = gettext_noop("The chat room of %(title)s is closed.")
NO_CIRCLE_ROOM = _("A circle's event has no chat room; choose another audience or turn it off.")


def room_name(event: Event) -> str:
    """`#<title>-<id>`: unique in its community, short enough for the sidebar."""
    return f"{slugify(event.title)[:30].strip('-') or 'event'}-{event.pk}"


def has_open_room(event: Event) -> bool:
    return event.chat_room_id is not None and not event.chat_room.archived


def room_for(user, event: Event) -> ChatRoom | None:
    """The event's room if `user` may enter it now (chat's room rule), else None: what the
    event page links to."""
    if event.chat_room_id is None or not user.is_authenticated:
        return None
    try:
        return access_room(user, event.chat_room_id)
    except Http404:
        return None


def validate_room_audience(audience: str, *, chat_room: bool) -> None:
    """ValidationError (on the room's field) for a room asked of a circle event."""
    if chat_room and audience == Audience.CIRCLE:
        raise ValidationError({"chat_room": NO_CIRCLE_ROOM})


def do_set_event_room(event: Event, *, on: bool, reason: str = "") -> None:
    """Open (or reopen) the event's room, or close it: archived (its history stays), its list
    emptied, the people taken off it told `reason`. Caller holds the row lock on `event` and
    checked the audience (`validate_room_audience`)."""
    if on and event.chat_room_id is None:
        event.chat_room = do_open_listed_room(event.post.community, name=room_name(event))
        event.save(update_fields=["chat_room"])
    elif event.chat_room_id is not None:
        changes = {}
        if event.chat_room.archived == on:
            changes["archived"] = not on
        if event.chat_room.minimum_tier_id is not None:
            changes["minimum_tier"] = None
        if changes:
            do_update_room(event.chat_room, **changes)
    sync_event_room(
        event,
        reason=reason or ReadersWords(CLOSED, {"title": event.title}),
    )


def sync_event_room(event: Event, *, reason: str) -> None:
    """Make the room's list the event's author and the people going who may see the event now
    (the audience policy's reverse form; nobody while the room is off or the event cancelled).
    Caller holds the row lock on `event`, after the change of who is going or who sees it."""
    if event.chat_room_id is None:
        return
    people = []
    if has_open_room(event) and not event.is_cancelled:
        going = RSVP.objects.filter(
            event=event, status=RSVPStatus.GOING, user__in=audience_of(event.post)
        )
        people = [event.post.author_id, *going.values_list("user_id", flat=True)]
    do_set_listed_people(event.chat_room, people, reason=reason)


def resync_event_rooms(events: QuerySet, *, reason: str) -> None:
    """`sync_event_room` for each of `events` with an open room, under its row lock: after a
    change of who sees them that is not an answer or an edit (a block, the community's public
    teasers turned off or on, moderation hiding or releasing the post)."""
    with transaction.atomic():
        for event in (
            Event.objects.filter(
                pk__in=events.values("pk"), chat_room__isnull=False, chat_room__archived=False
            )
            .select_for_update(of=("self",))
            .select_related("post", "chat_room")
        ):
            sync_event_room(event, reason=ReadersWords(reason, {"title": event.title}))
