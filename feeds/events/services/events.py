"""Creating, editing and cancelling events.

An event is created with its post, through the post's own service (`check_create_post`, which
ends in `do_create_post`), in one transaction: an event that fails leaves no post behind.
Editing or cancelling tells the people going and waitlisted once, through `notify()`, which
keeps only those the policy still lets see the post.
"""

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from communities.models import Community, Tier
from communities.notifying import NotificationKind, notify
from communities.permissions import Action, role_may
from feeds.events.models import RSVP, Event, RSVPStatus
from feeds.events.services.rooms import (
    do_set_event_room,
    has_open_room,
    validate_room_audience,
)
from feeds.events.services.rsvps import promote_waitlisted
from feeds.models import Circle
from feeds.services.posts import active_membership, check_create_post, check_edit_post
from sosoon_site.languages import ReadersWords


def access_event(user, event_id) -> Event:
    """The event if `user` may see its post now (the policy); Http404 for missing and
    forbidden alike."""
    try:
        event_id = int(event_id)
    except (TypeError, ValueError):
        raise Http404("No such event.") from None
    event = (
        Event.objects.visible_to(user)
        .filter(pk=event_id)
        .select_related("post__author", "post__community", "post__min_tier", "post__circle")
        .first()
    )
    if event is None:
        raise Http404("No such event.")
    return event


def validate_schedule(
    starts_at: datetime, ends_at: datetime, capacity: int | None, *, was_start=None
) -> None:
    """ValidationError (keyed by field) for an end before the start, a start in the past (an
    edit may keep its start unchanged) or a capacity below one."""
    errors = {}
    if starts_at < timezone.now() and starts_at != was_start:
        errors["starts_at"] = _("The event cannot start in the past.")
    if ends_at <= starts_at:
        errors["ends_at"] = _("The event must end after it starts.")
    if capacity is not None and capacity < 1:
        errors["capacity"] = _("Capacity is at least 1 (leave it empty for no limit).")
    if errors:
        raise ValidationError(errors)


def may_organise(user, event: Event) -> bool:
    """The event's author, or the community's owner and admins (who run its space)."""
    if event.post.author_id == user.pk:
        return True
    return role_may(active_membership(user, event.post.community_id), Action.EDIT_SETTINGS)


def check_create_event(
    author,
    community: Community,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str,
    place: str = "",
    online_link: str = "",
    link_only_for_going: bool = False,
    capacity: int | None = None,
    chat_room: bool = False,
    body: str,
    audience: str,
    min_tier: Tier | None = None,
    circle: Circle | None = None,
    images: Sequence[ContentFile] = (),
) -> Event:
    """Create an event and its post (description, audience, cover image) for a member, after
    the post's own checks, with a chat room for those going when `chat_room`; nothing is
    saved when anything is refused."""
    if not title.strip():
        raise ValidationError({"title": _("Give the event a title.")})
    validate_schedule(starts_at, ends_at, capacity)
    validate_room_audience(audience, chat_room=chat_room)
    with transaction.atomic():
        post = check_create_post(
            author,
            community,
            body=body,
            audience=audience,
            min_tier=min_tier,
            circle=circle,
            images=images,
        )
        event = Event.objects.create(
            post=post,
            title=title.strip(),
            starts_at=starts_at,
            ends_at=ends_at,
            time_zone=time_zone,
            place=place,
            online_link=online_link,
            link_only_for_going=link_only_for_going,
            capacity=capacity,
        )
        if chat_room:
            do_set_event_room(event, on=True)
    event.held_reason = post.held_reason
    return event


def answered(event: Event) -> list[int]:
    """People who said they are going, or wait for a place: those an edit or a cancellation
    concerns."""
    return list(
        RSVP.objects.filter(
            event=event, status__in=[RSVPStatus.GOING, RSVPStatus.WAITLISTED]
        ).values_list("user_id", flat=True)
    )


def check_edit_event(
    user,
    event_id,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str,
    place: str = "",
    online_link: str = "",
    link_only_for_going: bool = False,
    capacity: int | None = None,
    chat_room: bool | None = None,
    body: str,
    audience: str,
    min_tier: Tier | None = None,
    circle: Circle | None = None,
) -> Event:
    """The author edits the event and its post; people going or waitlisted hear of it once.
    A larger capacity lets the waitlist in, in order (and into the room for those going).
    `chat_room` turns that room on or off; None leaves it as it is."""
    event = access_event(user, event_id)
    if event.post.author_id != user.pk:
        raise PermissionDenied("Only the event's author can edit it.")
    if event.is_cancelled:
        raise ValidationError(_("This event was cancelled; it cannot be edited."))
    if not title.strip():
        raise ValidationError({"title": _("Give the event a title.")})
    validate_schedule(starts_at, ends_at, capacity, was_start=event.starts_at)
    if chat_room is None:
        chat_room = has_open_room(event)
    validate_room_audience(audience, chat_room=chat_room)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        going = RSVP.objects.filter(event=event, status=RSVPStatus.GOING).count()
        if capacity is not None and capacity < going:
            raise ValidationError(
                {"capacity": f"{going} people are going already; capacity cannot be lower."}
            )
        check_edit_post(
            user,
            event.post_id,
            body=body,
            audience=audience,
            min_tier=min_tier,
            circle=circle,
        )
        event.title = title.strip()
        event.starts_at, event.ends_at, event.time_zone = starts_at, ends_at, time_zone
        event.place, event.online_link = place, online_link
        event.link_only_for_going, event.capacity = link_only_for_going, capacity
        event.edited = timezone.now()
        event.save()
        promote_waitlisted(event)
        do_set_event_room(event, on=chat_room)
        notify(answered(event), kind=NotificationKind.EVENT_CHANGED, actor=user, target=event.post)
    return event


def check_cancel_event(user, event_id) -> Event:
    """The author, or an owner or admin, cancels the event: RSVPs stop, and the people going
    or waitlisted hear of it once (cancelling twice tells nobody again)."""
    event = access_event(user, event_id)
    if not may_organise(user, event):
        raise PermissionDenied("Only the event's author or the community's admins can cancel it.")
    with transaction.atomic():
        event = Event.objects.select_for_update().select_related("post").get(pk=event.pk)
        if event.is_cancelled:
            return event
        event.cancelled_at = timezone.now()
        event.save(update_fields=["cancelled_at"])
        if event.chat_room_id is not None:
            do_set_event_room(
                event,
                on=False,
                reason=ReadersWords(
                    gettext_noop("%(title)s was cancelled."), {"title": event.title}
                ),
            )
        notify(
            answered(event), kind=NotificationKind.EVENT_CANCELLED, actor=user, target=event.post
        )
    return event
