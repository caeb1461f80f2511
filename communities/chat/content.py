"""Chat messages as registered content, so notifications about them (mentions) reach only
people who may read the room, and vanish when that access goes; and so members can report
them and moderators hide or delete them (deleting leaves chat's usual tombstone).

A message that stops being withheld (approved, or shown again) gets a new change number, so
readers who were away when it happened get it on their next `chat.sync`."""

from django.dispatch import receiver
from django.urls import reverse

from communities.chat.models import CHAT_MESSAGE_LABEL, ChatMessage, room_audience
from communities.chat.services import deliver_approved_message, do_delete_message, renumber_message
from communities.content import ContentKind, register_content
from communities.screening import released_to
from communities.signals import content_released
from sosoon_site.accounts.blocks import blocked_user_ids


def message_url(message: ChatMessage) -> str:
    room = message.room
    if room.is_direct:
        return reverse("communities:direct_room", args=[room.pk]) + f"#message-{message.pk}"
    return (
        reverse("communities:home", args=[room.community.slug])
        + f"?room={room.pk}#message-{message.pk}"
    )


def message_snapshot(message: ChatMessage) -> dict:
    room = message.room
    return {
        "text": message.body,
        "author": str(message.author),
        "created": message.created_at.isoformat(),
        "audience": f"#{room.name}" if not room.is_direct else "Direct message",
    }


def message_audience(message: ChatMessage):
    """The reverse form of `ChatMessage.objects.readable_by`: who may read `message` now (in
    its room, no block either way with its author, not withheld from them)."""
    readers = room_audience(message.room).exclude(pk__in=blocked_user_ids(message.author))
    return released_to(readers, CHAT_MESSAGE_LABEL, message.pk)


def register_chat_content() -> None:
    register_content(
        ContentKind(
            label=CHAT_MESSAGE_LABEL,
            model=ChatMessage,
            visible_to=lambda user: ChatMessage.objects.readable_by(user).live(),
            audience=message_audience,
            url=message_url,
            summary=lambda message: message.body[:80],
            community=lambda message: message.room.community,
            reportable=True,
            author=lambda message: message.author,
            authored_by=lambda user, community: ChatMessage.objects.live().filter(
                author=user, room__community=community
            ),
            snapshot=message_snapshot,
            delete=do_delete_message,
            on_approved=deliver_approved_message,
        )
    )


@receiver(content_released, dispatch_uid="chat.released")
def renumber_released_message(sender, *, label: str, target_id: int, **kwargs) -> None:
    if label == CHAT_MESSAGE_LABEL:
        renumber_message(target_id)
