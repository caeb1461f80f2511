"""Answering an event: going, maybe, can't go, and the waitlist of a full event.

Every answer takes a row lock on the event (`select_for_update`; SQLite's write transaction
does the same on one machine) before counting who is going, so two people answering at once
cannot both take the last place: the one who waited joins the waitlist, behind everyone
already on it. When a place frees up (someone going changes their answer, or capacity grows)
the first person waiting goes instead and is told.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.notifying import NotificationKind, notify
from feeds.events.models import RSVP, Event, RSVPStatus
from feeds.events.services.rooms import sync_event_room
from feeds.services.posts import active_membership

# What a person may ask for; `waitlisted` is where a full event puts someone who asked to go.
ANSWERS = (RSVPStatus.GOING, RSVPStatus.MAYBE, RSVPStatus.NOT_GOING)


def validate_answerable(event: Event) -> None:
    """ValidationError with a message for a cancelled or finished event."""
    if event.is_cancelled:
        raise ValidationError(_("This event was cancelled, so it takes no answers."))
    if event.has_started:
        raise ValidationError(_("This event has already started, so it takes no more answers."))


def promote_waitlisted(event: Event) -> list[RSVP]:
    """Move people from the waitlist to going, in order, while there are places, and tell
    each. Caller holds the row lock on `event`."""
    waiting = RSVP.objects.filter(event=event, status=RSVPStatus.WAITLISTED).order_by(
        "waitlist_position", "pk"
    )
    if event.capacity is None:
        promoted = list(waiting)
    else:
        going = RSVP.objects.filter(event=event, status=RSVPStatus.GOING).count()
        promoted = list(waiting[: max(event.capacity - going, 0)])
    for rsvp in promoted:
        rsvp.status, rsvp.waitlist_position = RSVPStatus.GOING, None
        rsvp.save(update_fields=["status", "waitlist_position"])
    if promoted:
        notify(
            [rsvp.user_id for rsvp in promoted],
            kind=NotificationKind.EVENT_PLACE,
            actor=None,
            target=event.post,
        )
    return promoted


def do_rsvp(user, event: Event, answer: str) -> RSVP:
    """Record `user`'s answer: going (or the waitlist's end when the event is full), maybe or
    can't go; a place given up goes to the first person waiting. Caller has checked that
    `user` may see the event."""
    with transaction.atomic():
        locked = Event.objects.select_for_update().select_related("post").get(pk=event.pk)
        validate_answerable(locked)
        rsvp = RSVP.objects.filter(event=locked, user=user).first()
        was = rsvp.status if rsvp else None
        if rsvp is None:
            rsvp = RSVP(event=locked, user=user)
        if answer == RSVPStatus.GOING and was in (RSVPStatus.GOING, RSVPStatus.WAITLISTED):
            return rsvp
        status, position = answer, None
        if answer == RSVPStatus.GOING and locked.capacity is not None:
            going = RSVP.objects.filter(event=locked, status=RSVPStatus.GOING).count()
            if going >= locked.capacity:
                last = RSVP.objects.filter(event=locked).aggregate(Max("waitlist_position"))
                status = RSVPStatus.WAITLISTED
                position = (last["waitlist_position__max"] or 0) + 1
        rsvp.status, rsvp.waitlist_position = status, position
        rsvp.responded_at = timezone.now()
        rsvp.save()
        if was == RSVPStatus.GOING and status != RSVPStatus.GOING:
            promote_waitlisted(locked)
        if RSVPStatus.GOING in (was, status):
            sync_event_room(
                locked, reason=_("You are no longer going to %(title)s.") % {"title": locked.title}
            )
    return rsvp


def check_rsvp(user, event: Event, answer: str) -> RSVP:
    """An active member of the event's community answers an event they can see (the caller
    got it through `access_event`)."""
    if answer not in ANSWERS:
        raise ValidationError(_("Choose going, maybe or can't go."))
    if active_membership(user, event.post.community_id) is None:
        raise ValidationError(
            _("Join %(community)s to answer its events.") % {"community": event.post.community.name}
        )
    validate_answerable(event)
    return do_rsvp(user, event, answer)
