"""A removed event's room for those going closes with it.

Connected to post_save of Post, as cross-posting's receivers are, so every way a post is
removed (its author, a moderator, the queue: all end in `do_remove_post`) closes the room
without the writers having to remember the events they carry.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from feeds.events.models import Event
from feeds.events.services.rooms import do_set_event_room
from feeds.models import Post


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
                event, on=False, reason=_("%(title)s was removed.") % {"title": event.title}
            )
