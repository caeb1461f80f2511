"""An event's room for those going follows the event: it closes when the event's post is
removed, and its list shrinks to those who still see the event when that changes outside an
answer or an edit.

Connected to post_save of Post, as cross-posting's receivers are, so every way a post is
removed (its author, a moderator, the queue: all end in `do_remove_post`) closes the room
without the writers having to remember the events they carry; to blocks, tier changes, the
community's settings and moderation's withholding for the rest
(feeds.events.services.rooms).
"""

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext_noop

from communities.models import Community
from communities.signals import content_released, content_withheld, membership_changed
from feeds.events.models import Event
from feeds.events.services.rooms import do_set_event_room, resync_event_rooms
from feeds.models import POST_LABEL, Audience, Post
from sosoon_site.accounts.blocks import block_changed
from sosoon_site.languages import ReadersWords

# Read by those taken off an event's room, in their language (the event's title fills it in).
NO_LONGER_SEEN = gettext_noop("You no longer see %(title)s, so its chat room is closed to you.")


@receiver(post_save, sender=Post, dispatch_uid="events.post_saved")
def close_room_of_removed_event(sender, instance: Post, **kwargs) -> None:
    if instance.deleted is None:
        return
    with transaction.atomic():
        event = (
            Event.objects.select_for_update()
            .filter(post=instance, chat_room__isnull=False, chat_room__archived=False)
            .select_related("post")
            .first()
        )
        if event is not None:
            do_set_event_room(
                event,
                on=False,
                reason=ReadersWords(gettext_noop("%(title)s was removed."), {"title": event.title}),
            )


@receiver(block_changed, dispatch_uid="events.block_changed")
def resync_rooms_between(sender, *, blocker, blocked, **kwargs) -> None:
    """A block hides each one's event from the other: the one going leaves its room (and
    comes back on unblocking, if still going)."""
    resync_event_rooms(
        Event.objects.filter(
            Q(post__author=blocker, rsvps__user=blocked)
            | Q(post__author=blocked, rsvps__user=blocker)
        ),
        reason=NO_LONGER_SEEN,
    )


@receiver(membership_changed, dispatch_uid="events.membership_changed")
def resync_rooms_of_member(sender, *, membership, reason: str, **kwargs) -> None:
    """A new tier widens or narrows the tier events a member sees (leaving, removal and bans
    are chat's rule already: it asks for an active membership)."""
    if reason == "tier":
        resync_event_rooms(
            Event.objects.filter(
                post__community=membership.community_id,
                post__audience=Audience.TIER,
                rsvps__user=membership.user_id,
            ),
            reason=NO_LONGER_SEEN,
        )


@receiver(post_save, sender=Community, dispatch_uid="events.community_saved")
def resync_public_event_rooms(sender, instance: Community, **kwargs) -> None:
    """Public teasers turned off hide a public event from all but its author."""
    resync_event_rooms(
        Event.objects.filter(post__community=instance, post__audience=Audience.PUBLIC),
        reason=NO_LONGER_SEEN,
    )


@receiver(content_withheld, dispatch_uid="events.withheld")
@receiver(content_released, dispatch_uid="events.released")
def resync_room_of_withheld_event(sender, *, label: str, target_id: int, **kwargs) -> None:
    if label == POST_LABEL:
        resync_event_rooms(Event.objects.filter(post_id=target_id), reason=NO_LONGER_SEEN)
