"""Chat: rooms in a community, direct messages between two people, messages, read markers.

Who may read a room is decided when read, in SQL (`ChatRoomQuerySet.readable_by`), never
copied: a community room is for its community's active members at or above its minimum tier
(and the roles that see every tier: `communities.permissions.reaches_tier`, the same condition
the audience policy uses for tier posts);
a community room kept for a list of people (`listed_only`: an event's room for those going,
whose list feeds' event services keep, communities.chat.services.do_set_listed_people) asks
one thing more: that its reader is on the list (`ChatRoomPerson`) or holds a role that sees
every tier (the owner and admins, `communities.permissions.sees_every_tier`, as for tier rooms:
they run the space; moderators are not in that row);
a direct-message room is for its two people while they share a community and neither has
blocked the other. Every surface (pages, socket frames, notifications, search) starts there.

Each room counts its changes (`ChatRoom.last_seq`); every message carries the number of its
latest change (`ChatMessage.seq`: sent, edited, deleted, approved). The number is taken
under the room row's lock inside the writing transaction, so changes commit in the order of
their numbers and a reader's cursor can never pass one still uncommitted (docs/realtime.md,
"Nothing lost").
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from communities.models.membership import Membership, MembershipStatus
from communities.permissions import reaches_tier, sees_every_tier
from communities.screening import withheld_from
from sosoon_site.accounts.blocks import blocked_user_ids
from sosoon_site.accounts.models import Block, User

MAX_BODY = 4000
GENERAL_ROOM = "general"


class ChatRoomQuerySet(models.QuerySet):
    def readable_by(self, user, *, direct: bool | None = None) -> "ChatRoomQuerySet":
        """Rooms `user` may read now, in one query. `direct` narrows it to direct rooms
        (True) or community rooms (False), which builds and runs a smaller query when the
        caller already knows which kind it asks about."""
        if not user.is_authenticated:
            return self.none()
        # Tier ranks start at 0, so a room without a minimum tier asks for rank >= 0.
        in_room_tier = Q(community__isnull=False) & Exists(
            Membership.objects.filter(
                reaches_tier(Coalesce(OuterRef("minimum_tier__rank"), Value(0))),
                user=user,
                community=OuterRef("community"),
                status=MembershipStatus.ACTIVE,
            )
        )
        on_the_list = (
            Q(listed_only=False)
            | Exists(ChatRoomPerson.objects.filter(room=OuterRef("pk"), user=user))
            | Exists(
                Membership.objects.filter(
                    sees_every_tier(),
                    user=user,
                    community=OuterRef("community"),
                    status=MembershipStatus.ACTIVE,
                )
            )
        )
        in_room_tier &= on_the_list
        open_direct = (Q(direct_low=user) | Q(direct_high=user)) & Q(
            _shared_community=True, _blocked=False
        )
        if direct is False:
            return self.filter(in_room_tier)
        if direct is True:
            return self.with_direct_checks().filter(open_direct)
        return self.with_direct_checks().filter(in_room_tier | open_direct)

    def with_direct_checks(self) -> "ChatRoomQuerySet":
        """Alias `_shared_community` (the two people of a direct room are both active members
        of some community) and `_blocked` (either blocked the other)."""
        return self.alias(
            _shared_community=Exists(
                Membership.objects.filter(
                    user=OuterRef("direct_low"),
                    status=MembershipStatus.ACTIVE,
                    community__memberships__user=OuterRef("direct_high"),
                    community__memberships__status=MembershipStatus.ACTIVE,
                )
            ),
            _blocked=Exists(
                Block.objects.filter(
                    Q(blocker=OuterRef("direct_low"), blocked=OuterRef("direct_high"))
                    | Q(blocker=OuterRef("direct_high"), blocked=OuterRef("direct_low"))
                )
            ),
        )

    def in_community(self, community) -> "ChatRoomQuerySet":
        return self.filter(community=community)

    def direct_for(self, user) -> "ChatRoomQuerySet":
        return self.filter(Q(direct_low=user) | Q(direct_high=user))


class ChatRoom(models.Model):
    """A community room (`community` set) or a direct-message room (`direct_low` and
    `direct_high` set: the two people, lower id first, so a pair has exactly one room)."""

    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="chat_rooms",
    )
    name = models.CharField(max_length=40, blank=True)
    # Rooms gated by a tier keep it until an admin changes them; deleting the tier is refused.
    minimum_tier = models.ForeignKey(
        "communities.Tier", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    archived = models.BooleanField(default=False, help_text="Read-only: history stays.")
    retention_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Delete messages older than this; empty keeps them."
    )
    # Only the people on the room's list (ChatRoomPerson) and the roles that see every tier
    # read it; the app that made the room keeps the list (an event's people going).
    listed_only = models.BooleanField(default=False, editable=False)
    slow_mode_seconds = models.PositiveIntegerField(
        default=0, help_text="Members wait this long between messages; 0 for no slow mode."
    )
    direct_low = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    direct_high = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The number of the room's latest message change (see ChatMessage.seq).
    last_seq = models.PositiveBigIntegerField(default=0, editable=False)

    objects = ChatRoomQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(community__isnull=False, direct_low__isnull=True, direct_high__isnull=True)
                    | Q(
                        community__isnull=True,
                        direct_low__isnull=False,
                        direct_high__isnull=False,
                        direct_low__lt=models.F("direct_high"),
                    )
                ),
                name="communities_chatroom_room_or_direct",
            ),
            models.UniqueConstraint(
                "community",
                Lower("name"),
                condition=Q(community__isnull=False),
                name="communities_chatroom_name_unique",
                violation_error_message="Another room here already has this name.",
            ),
            models.UniqueConstraint(
                fields=["direct_low", "direct_high"],
                condition=Q(community__isnull=True),
                name="communities_chatroom_one_direct_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.name}" if self.community_id else f"direct {self.pk}"

    @property
    def is_direct(self) -> bool:
        return self.community_id is None

    @property
    def key(self) -> str:
        """The socket subscription key of this room."""
        return room_key(self.pk)

    @property
    def group(self) -> str:
        """The channel-layer group of this room's subscribed sockets."""
        return room_group(self.pk)

    def other_person_id(self, user_id: int) -> int | None:
        """In a direct room, the id of the person who is not `user_id`."""
        if not self.is_direct:
            return None
        return self.direct_high_id if self.direct_low_id == user_id else self.direct_low_id


def room_audience(room: ChatRoom) -> models.QuerySet:
    """The reverse form of `readable_by`: the people who may read `room` now."""
    if room.is_direct:
        still_open = (
            ChatRoom.objects.filter(pk=room.pk)
            .with_direct_checks()
            .filter(_shared_community=True, _blocked=False)
        )
        return User.objects.filter(pk__in=[room.direct_low_id, room.direct_high_id]).filter(
            Exists(still_open)
        )
    minimum_rank = room.minimum_tier.rank if room.minimum_tier_id else 0
    readers = User.objects.filter(
        Exists(
            Membership.objects.filter(
                reaches_tier(minimum_rank),
                user=OuterRef("pk"),
                community=room.community_id,
                status=MembershipStatus.ACTIVE,
            )
        )
    )
    if not room.listed_only:
        return readers
    return readers.filter(
        Exists(ChatRoomPerson.objects.filter(room=room.pk, user=OuterRef("pk")))
        | Exists(
            Membership.objects.filter(
                sees_every_tier(),
                user=OuterRef("pk"),
                community=room.community_id,
                status=MembershipStatus.ACTIVE,
            )
        )
    )


def room_key(room_id: int) -> str:
    return f"room:{room_id}"


def room_group(room_id: int) -> str:
    return f"chat.room.{room_id}"


# The label chat messages are registered under (communities.chat.content).
CHAT_MESSAGE_LABEL = "chat_message"


class ChatMessageQuerySet(models.QuerySet):
    def readable_by(self, user) -> "ChatMessageQuerySet":
        """Messages in rooms `user` may read, not by people blocked either way, and not
        withheld from them (communities.screening: moderation withholds held or hidden
        messages from all but their author and the community's moderators)."""
        return (
            self.filter(room__in=ChatRoom.objects.readable_by(user).values("pk"))
            .exclude(author__in=blocked_user_ids(user))
            .exclude(pk__in=withheld_from(user, CHAT_MESSAGE_LABEL))
        )

    def live(self) -> "ChatMessageQuerySet":
        return self.filter(deleted_at__isnull=True)


class ChatMessage(models.Model):
    """One message. Deleting keeps a tombstone (empty body, `deleted_at` set), so clients
    that sync later learn of the deletion and ids never leave gaps in a room's history."""

    room = models.ForeignKey(ChatRoom, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_messages"
    )
    body = models.TextField(max_length=MAX_BODY, blank=True)
    html = models.TextField(blank=True, editable=False)
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # The room's sequence number of this message's latest change: what `chat.sync` pages by.
    seq = models.PositiveBigIntegerField(default=0, editable=False)

    objects = ChatMessageQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["room", "id"], name="chat_message_room_id"),
            models.Index(fields=["room", "seq"], name="chat_message_room_seq"),
            models.Index(fields=["room", "created_at"], name="chat_message_room_created"),
        ]

    def __str__(self) -> str:
        return f"message {self.pk} in {self.room_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class ChatRoomPerson(models.Model):
    """One person on a `listed_only` room's list. The list says who the room is for; the
    room rule still asks for an active membership at the room's tier, so leaving the
    community or its tier closes the room without anyone touching the list."""

    room = models.ForeignKey(ChatRoom, on_delete=models.CASCADE, related_name="listed_people")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "user"], name="communities_chatroomperson_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} listed in {self.room_id}"


class ReadState(models.Model):
    """How far one person has read one room: messages with a larger id are unread."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_read_states"
    )
    room = models.ForeignKey(ChatRoom, on_delete=models.CASCADE, related_name="read_states")
    last_read_id = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "room"], name="communities_readstate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.room_id} to {self.last_read_id}"
