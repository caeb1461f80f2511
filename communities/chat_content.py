"""Chat messages as registered content, so notifications about them (mentions) reach only
people who may read the room, and vanish when that access goes."""

from django.urls import reverse

from communities.content import ContentKind, register_content
from communities.models import ChatMessage, room_audience


def message_url(message: ChatMessage) -> str:
    room = message.room
    if room.is_direct:
        return reverse("communities:direct_room", args=[room.pk]) + f"#message-{message.pk}"
    return (
        reverse("communities:home", args=[room.community.slug])
        + f"?room={room.pk}#message-{message.pk}"
    )


def register_chat_content() -> None:
    register_content(
        ContentKind(
            label="chat_message",
            model=ChatMessage,
            visible_to=lambda user: ChatMessage.objects.readable_by(user).live(),
            audience=lambda message: room_audience(message.room),
            url=message_url,
            summary=lambda message: message.body[:80],
            community=lambda message: message.room.community,
        )
    )
