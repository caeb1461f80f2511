"""Chat: rooms, direct messages, messages, read markers, history, search and retention.

Every read starts at `access_room` (one "not found" for missing and forbidden alike) or the
`readable_by` querysets, and every write is a `check_*` that authorises and validates, then
a `do_*` that writes in a transaction and pushes to the room's sockets after commit. Pages
and socket frames call the same functions.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from communities.chat.models import (
    CHAT_MESSAGE_LABEL,
    GENERAL_ROOM,
    MAX_BODY,
    ChatMessage,
    ChatRoom,
    ChatRoomPerson,
    ReadState,
    room_audience,
    room_key,
)
from communities.models import Community, Membership, MembershipStatus, Tier
from communities.notifying import NotificationKind, notify
from communities.permissions import Action, communities_where, reaches_tier, role_may
from communities.screening import hold_for_review, is_withheld, screen, withheld_from
from communities.services.membership_rules import authorise, require_tier_of
from sosoon_site.accounts.blocks import blocked_user_ids, is_blocked_between
from sosoon_site.accounts.models import User
from sosoon_site.compiled_queries import compiled_rows
from sosoon_site.frames import is_clean_text
from sosoon_site.languages import ReadersWords
from sosoon_site.rate_limits import RateLimited, TokenBucket
from sosoon_site.realtime import push_to_group, push_to_users, revoke_for_users
from sosoon_site.rendering import mentioned_people, render_markdown
from sosoon_site.text_search import HasWords, search_words

HISTORY_PAGE = 50
SYNC_PAGE = 200
SEARCH_RESULTS = 50
MAX_ROOM_NAME = 40
SLOW_MODE_MAX_SECONDS = 6 * 60 * 60
MESSAGE_RATE = TokenBucket("chat.message", capacity=10, per_seconds=10)
SEARCH_RATE = TokenBucket("chat.search", capacity=10, per_seconds=10)


# Reading -----------------------------------------------------------------------------------


def access_room(user, room_id) -> ChatRoom:
    """The room if `user` may read it now; Http404 otherwise (missing and forbidden alike)."""
    try:
        room_id = int(room_id)
    except (TypeError, ValueError):
        raise Http404(_("No such room.")) from None
    # Knowing the kind of room first lets the rule build only the half that applies.
    kind = ChatRoom.objects.filter(pk=room_id).values_list("community_id", flat=True)[:1]
    if not kind:
        raise Http404(_("No such room."))
    room = (
        ChatRoom.objects.readable_by(user, direct=kind[0] is None)
        .select_related("community", "minimum_tier", "direct_low", "direct_high")
        .filter(pk=room_id)
        .first()
    )
    if room is None:
        raise Http404(_("No such room."))
    return room


def with_unread(rooms: QuerySet, user) -> QuerySet:
    """Annotate `rooms` with `unread`: messages after `user`'s read marker, not their own,
    not deleted, not from people blocked either way, not withheld by moderation. One query
    for any number of rooms."""
    last_read = ReadState.objects.filter(user=user, room=OuterRef("pk")).values("last_read_id")
    return rooms.annotate(
        last_read=Coalesce(Subquery(last_read), Value(0)),
        unread=Count(
            "messages",
            filter=Q(messages__id__gt=F("last_read"), messages__deleted_at__isnull=True)
            & ~Q(messages__author=user)
            & ~Q(messages__author__in=blocked_user_ids(user))
            & ~Q(messages__pk__in=withheld_from(user, CHAT_MESSAGE_LABEL)),
        ),
    )


def community_rooms(user, community: Community) -> list[ChatRoom]:
    """The rooms of `community` that `user` may read, with unread counts, #general first."""
    rooms = (
        ChatRoom.objects.readable_by(user).in_community(community).select_related("minimum_tier")
    )
    return sorted(
        with_unread(rooms, user), key=lambda room: (room.name != GENERAL_ROOM, room.name.lower())
    )


def direct_rooms(user) -> list[ChatRoom]:
    """`user`'s direct-message rooms they may still read, with unread counts, newest first."""
    rooms = (
        ChatRoom.objects.readable_by(user)
        .direct_for(user)
        .select_related("direct_low", "direct_high")
        .annotate(last_message=Coalesce(Subquery(_last_message_id()), Value(0)))
        .order_by("-last_message", "-id")
    )
    return list(with_unread(rooms, user))


def unread_direct_count(user) -> int:
    """What the top bar's Messages badge shows: the unread messages of all `user`'s direct
    rooms, counted as each conversation's count on the messages page (`with_unread`), in
    one query however many conversations there are, compiled once per process
    (sosoon_site.compiled_queries), since every signed-in page shows it."""
    counts = compiled_rows(
        "unread_direct",
        lambda user: with_unread(
            ChatRoom.objects.readable_by(User(pk=user), direct=True).direct_for(User(pk=user)),
            User(pk=user),
        ).values_list("unread"),
        user=user.pk,
    )
    return sum(unread for (unread,) in counts)


def _last_message_id():
    return ChatMessage.objects.filter(room=OuterRef("pk")).order_by("-id").values("id")[:1]


def _messages(user, room: ChatRoom) -> QuerySet:
    """Messages of `room` as `user` sees them (tombstones included): the one message rule,
    so history, sync and search leave out what blocks and moderation withhold."""
    return (
        ChatMessage.objects.readable_by(user)
        .filter(room=room)
        .select_related("author", "reply_to__author")
    )


def recent_messages(
    user, room: ChatRoom, *, before: int | None = None, limit: int = HISTORY_PAGE
) -> tuple[list[ChatMessage], bool]:
    """A page of `room`'s history ending before message id `before` (the newest page when
    None), oldest first, and whether older messages exist. Keyset paging by id."""
    limit = max(0, min(limit, HISTORY_PAGE))
    rows = _messages(user, room)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    page = list(rows.order_by("-id")[: limit + 1])
    return list(reversed(page[:limit])), len(page) > limit


def changes_after(
    user, room: ChatRoom, cursor: int, *, limit: int = SYNC_PAGE
) -> tuple[list[ChatMessage], bool, int]:
    """What a reconnecting client missed: `room`'s messages whose latest change (sent,
    edited, deleted, approved) is numbered above `cursor`, in change order, whether more
    follow, and the cursor to ask from next. Changes commit in the order of their numbers
    (`_next_seq`), so a cursor never passes a change that is still to commit. Caller
    checked access."""
    rows = list(_messages(user, room).filter(seq__gt=cursor).order_by("seq")[: limit + 1])
    page = rows[:limit]
    return page, len(rows) > limit, (page[-1].seq if page else cursor)


def _next_seq(room_id: int) -> int:
    """Number the next change of a room. The UPDATE locks the room's row until the caller's
    transaction ends (PostgreSQL's row lock; SQLite lets one writer in at a time), so a
    second writer waits here for the first to commit and changes commit in number order."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A chat change is numbered inside the transaction that makes it.")
    ChatRoom.objects.filter(pk=room_id).update(last_seq=F("last_seq") + 1)
    return ChatRoom.objects.filter(pk=room_id).values_list("last_seq", flat=True).get()


def renumber_message(message_id: int) -> None:
    """Give a message a new change number, so readers who were away when it changed (it
    was approved or shown again) get it on their next sync. Caller is in the transaction."""
    room_id = ChatMessage.objects.filter(pk=message_id).values_list("room_id", flat=True).first()
    # A room deleted in the same transaction (its community went) has nothing to renumber.
    if room_id is not None and ChatRoom.objects.filter(pk=room_id).exists():
        ChatMessage.objects.filter(pk=message_id).update(seq=_next_seq(room_id))


def search_messages(user, room_id, query: str) -> tuple[ChatRoom, list[ChatMessage]]:
    """Messages of one readable room holding every word of `query`, newest first: the
    words are matched as /search/ matches them (sosoon_site.text_search), through the chat
    messages' full-text index on PostgreSQL."""
    room = access_room(user, room_id)
    words = search_words(query)
    SEARCH_RATE.require(user.pk, action="searches")
    rows = _messages(user, room).filter(HasWords("body", words), deleted_at__isnull=True)
    return room, list(rows.order_by("-id")[:SEARCH_RESULTS])


def unread_count(user, room: ChatRoom) -> int:
    return with_unread(ChatRoom.objects.filter(pk=room.pk), user).get().unread


def do_mark_read(user, room: ChatRoom, message_id: int) -> int:
    """Move `user`'s read marker in `room` forward to `message_id` (never back); return it.
    Caller checked access."""
    last = ChatMessage.objects.filter(room=room, pk__lte=message_id).order_by("-id").first()
    target = last.pk if last else 0
    with transaction.atomic():
        state, _created = ReadState.objects.get_or_create(user=user, room=room)
        moved = ReadState.objects.filter(pk=state.pk, last_read_id__lt=target).update(
            last_read_id=target
        )
        if moved and room.is_direct:
            tell_direct_changed(user.pk)
    return max(state.last_read_id, target)


def check_mark_read(user, room_id, message_id) -> tuple[ChatRoom, int]:
    room = access_room(user, room_id)
    return room, do_mark_read(user, room, _as_id(message_id))


# Rooms -------------------------------------------------------------------------------------


def do_create_general_room(community: Community) -> ChatRoom:
    """The #general room every community has. Caller is creating `community`."""
    return ChatRoom.objects.create(community=community, name=GENERAL_ROOM)


def _clean_room_name(name: str) -> str:
    name = (name or "").strip().lstrip("#").strip().lower().replace(" ", "-")
    if not name:
        raise ValidationError(_("Give the room a name."))
    if len(name) > MAX_ROOM_NAME:
        raise ValidationError(
            _("Room names are at most %(most)s characters.") % {"most": MAX_ROOM_NAME}
        )
    return name


def _clean_retention(days) -> int | None:
    if days in (None, ""):
        return None
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ValidationError(_("Retention is a number of days.")) from None
    if days < 1:
        raise ValidationError(_("Keep messages at least one day, or leave retention empty."))
    return days


def clean_slow_mode(value) -> int:
    """A room's slow mode in seconds: 0 (off) to SLOW_MODE_MAX_SECONDS."""
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Slow mode is a number of seconds.")) from None
    if not 0 <= seconds <= SLOW_MODE_MAX_SECONDS:
        raise ValidationError(
            _("Slow mode is between 0 and %(most)s seconds.") % {"most": SLOW_MODE_MAX_SECONDS}
        )
    return seconds


def do_create_room(
    community: Community,
    *,
    name: str,
    minimum_tier: Tier | None = None,
    retention_days: int | None = None,
) -> ChatRoom:
    try:
        with transaction.atomic():
            return ChatRoom.objects.create(
                community=community,
                name=name,
                minimum_tier=minimum_tier,
                retention_days=retention_days,
            )
    except IntegrityError:
        raise ValidationError(_("Another room here already has this name.")) from None


def check_create_room(
    actor: Membership,
    community: Community,
    *,
    name: str,
    minimum_tier: Tier | None = None,
    retention_days=None,
) -> ChatRoom:
    """Admins create rooms, optionally for a minimum tier and with a retention period."""
    authorise(actor, Action.MANAGE_ROOMS)
    if minimum_tier is not None:
        require_tier_of(community, minimum_tier)
    return do_create_room(
        community,
        name=_clean_room_name(name),
        minimum_tier=minimum_tier,
        retention_days=_clean_retention(retention_days),
    )


# Told to the other person of a direct room that closed, in their language.
CONVERSATION_CLOSED = ReadersWords(gettext_noop("This conversation is closed."))

LISTED_ROOM_TIER = gettext_lazy(
    "This room is for the people on its list (an event's room: those going), so it takes no "
    "tier: the event's audience decides who is on the list."
)


def do_update_room(room: ChatRoom, **fields) -> ChatRoom:
    """Rename, archive, re-tier or change retention. People the new tier shuts out lose the
    room on their open sockets at once."""
    for field, value in fields.items():
        setattr(room, field, value)
    try:
        with transaction.atomic():
            room.save(update_fields=list(fields))
    except IntegrityError:
        raise ValidationError(_("Another room here already has this name.")) from None
    if "minimum_tier" in fields and room.minimum_tier is not None:
        shut_out = (
            Membership.objects.filter(community=room.community_id)
            .exclude(reaches_tier(room.minimum_tier.rank))
            .values_list("user_id", flat=True)
        )
        revoke_for_users(
            list(shut_out),
            [room.key],
            ReadersWords(
                gettext_noop("#%(room)s is now for %(tier)s and up."),
                {"room": room.name, "tier": room.minimum_tier.name},
            ),
        )
    push_to_group(room.group, {"type": "chat.room", "room": room_data(room)})
    return room


def check_update_room(actor: Membership, room: ChatRoom, **fields) -> ChatRoom:
    authorise(actor, Action.MANAGE_ROOMS)
    if room.community_id != actor.community_id:
        raise Http404(_("No such room."))
    cleaned = {}
    if "name" in fields:
        cleaned["name"] = _clean_room_name(fields["name"])
        if room.name == GENERAL_ROOM and cleaned["name"] != GENERAL_ROOM:
            raise ValidationError(_("#general keeps its name."))
    if "minimum_tier" in fields:
        tier = fields["minimum_tier"]
        if tier is not None:
            require_tier_of(room.community, tier)
        cleaned["minimum_tier"] = None if tier is None or tier.is_base else tier
        if room.listed_only and cleaned["minimum_tier"] is not None:
            raise ValidationError(LISTED_ROOM_TIER)
    if "retention_days" in fields:
        cleaned["retention_days"] = _clean_retention(fields["retention_days"])
    if "slow_mode_seconds" in fields:
        cleaned["slow_mode_seconds"] = clean_slow_mode(fields["slow_mode_seconds"])
    if "archived" in fields:
        if room.name == GENERAL_ROOM and fields["archived"]:
            raise ValidationError(_("#general cannot be archived."))
        cleaned["archived"] = bool(fields["archived"])
    return do_update_room(room, **cleaned)


def do_open_listed_room(
    community: Community, *, name: str, minimum_tier: Tier | None = None
) -> ChatRoom:
    """A room of `community` for the people on its list only (the list starts empty; see
    `do_set_listed_people`). Another app that keeps a list of people calls this: an event's
    room for those going. ValidationError when the name is taken."""
    try:
        with transaction.atomic():
            return ChatRoom.objects.create(
                community=community,
                name=_clean_room_name(name),
                minimum_tier=minimum_tier,
                listed_only=True,
            )
    except IntegrityError:
        raise ValidationError(_("Another room here already has this name.")) from None


def do_set_listed_people(room: ChatRoom, user_ids, *, reason: str) -> None:
    """Make `user_ids` the list of a `listed_only` room. People taken off it who may no longer
    read the room (the room rule decides: the owner and admins still may) lose it on their
    open sockets once the caller's transaction commits, told `reason`."""
    wanted = set(user_ids)
    listed = set(ChatRoomPerson.objects.filter(room=room).values_list("user_id", flat=True))
    removed, added = listed - wanted, wanted - listed
    if removed:
        ChatRoomPerson.objects.filter(room=room, user__in=removed).delete()
    ChatRoomPerson.objects.bulk_create(
        [ChatRoomPerson(room=room, user_id=user_id) for user_id in sorted(added)],
        ignore_conflicts=True,
    )
    if removed:
        still = set(room_audience(room).filter(pk__in=removed).values_list("pk", flat=True))
        revoke_for_users(sorted(removed - still), [room.key], reason)


def room_for_admin(actor: Membership, room_id) -> ChatRoom:
    """A room of the actor's community for the room settings page; Http404 otherwise."""
    authorise(actor, Action.MANAGE_ROOMS)
    room = ChatRoom.objects.filter(community=actor.community_id, pk=_as_id(room_id)).first()
    if room is None:
        raise Http404(_("No such room."))
    return room


# Direct messages ---------------------------------------------------------------------------


def _share_a_community(one, other) -> bool:
    return (
        Membership.objects.filter(user=one, status=MembershipStatus.ACTIVE)
        .filter(
            community__memberships__user=other,
            community__memberships__status=MembershipStatus.ACTIVE,
        )
        .exists()
    )


def do_open_direct_room(one: User, other: User) -> ChatRoom:
    """The one direct room of these two people, made on first use."""
    low, high = sorted([one.pk, other.pk])
    try:
        with transaction.atomic():
            room, _created = ChatRoom.objects.get_or_create(direct_low_id=low, direct_high_id=high)
    except IntegrityError:
        room = ChatRoom.objects.get(direct_low_id=low, direct_high_id=high)
    return room


def check_open_direct_room(user: User, handle: str) -> ChatRoom:
    """A direct room with the person called `handle`, if the two share a community and
    neither blocked the other; the same Http404 for strangers and unknown handles."""
    other = User.objects.filter(handle__iexact=(handle or "").strip().lstrip("@")).first()
    if (
        other is None
        or other.pk == user.pk
        or not other.is_active
        or not _share_a_community(user, other)
        or is_blocked_between(user, other)
    ):
        raise Http404(_("No such person."))
    return do_open_direct_room(user, other)


# Messages ----------------------------------------------------------------------------------


def _as_id(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("That is not a message id.")) from None
    if number < 0:
        raise ValidationError(_("That is not a message id."))
    return number


def validate_body(body) -> str:
    if not isinstance(body, str) or not body.strip():
        raise ValidationError(_("Write something first."))
    if not is_clean_text(body):
        raise ValidationError(_("This message holds characters that are not text."))
    if len(body) > MAX_BODY:
        raise ValidationError(
            _("Messages are at most %(most)s characters.") % {"most": f"{MAX_BODY:,}"}
        )
    return body.strip()


def do_send_message(
    author: User,
    room: ChatRoom,
    body: str,
    *,
    reply_to: ChatMessage | None = None,
    held_reason: "ReadersWords | str" = "",
) -> ChatMessage:
    """Store the message, move the author's read marker past it, then (after commit) push it
    to the room and notify the people it mentions who may read the room. With `held_reason`
    (auto-moderation said hold) it waits for a moderator instead: no push, no mentions."""
    with transaction.atomic():
        message = ChatMessage.objects.create(
            room=room,
            author=author,
            body=body,
            html=render_markdown(body, mentioned=mentioned_people(body), chat=True),
            reply_to=reply_to,
            seq=_next_seq(room.pk),
        )
        if not ReadState.objects.filter(user=author, room=room).update(last_read_id=message.pk):
            ReadState.objects.get_or_create(
                user=author, room=room, defaults={"last_read_id": message.pk}
            )
        if held_reason:
            hold_for_review(message, reason=held_reason)
        else:
            deliver_message(message)
    return message


def deliver_message(message: ChatMessage) -> None:
    """What a message that is not held does once stored, and what approving a held one does:
    notify the people it mentions who may read the room, and once committed push it to the
    room. Caller is in the storing transaction."""
    mentioned = [person.pk for person in mentioned_people(message.body)]
    if mentioned:
        notify(
            mentioned,
            kind=NotificationKind.CHAT_MENTION,
            actor=message.author,
            target=message,
            community=message.room.community,
        )
    push_message(message, "chat.message")
    if message.room.is_direct:
        tell_direct_changed(message.room.other_person_id(message.author_id))


# A hint without content: the person's open pages refresh their Messages badge, which counts
# through the one message rule (`unread_direct_count`).
DIRECT_CHANGED = {"type": "direct.changed"}


def tell_direct_changed(user_id: int) -> None:
    """Once committed, tell `user_id`'s open pages that their direct messages' unread count
    may have moved."""
    push_to_users([user_id], DIRECT_CHANGED)


def deliver_approved_message(message: ChatMessage) -> None:
    """A moderator approved a held message: deliver it with the change number its release
    gave it (`chat.content` renumbers a message whenever it stops being withheld)."""
    message.seq = ChatMessage.objects.values_list("seq", flat=True).get(pk=message.pk)
    deliver_message(message)


def push_message(message: ChatMessage, frame_type: str) -> None:
    """Once committed, push a new or edited message to its room: sockets hiding its author
    drop it, sockets hiding the author of the message it replies to get it without the
    quote."""
    reply = message.reply_to
    frame = {"type": frame_type, "message": message_data(message)}
    options = {"sender": message.author_id}
    if reply is not None and frame["message"]["reply_to"] is not None:
        options["quoting"] = [reply.author_id]
        options["variant"] = {
            "type": frame_type,
            "message": message_data(message, readable_parents=set()),
        }
    push_to_group(message.room.group, frame, **options)


def check_send_message(user: User, room_id, body, *, reply_to_id=None) -> ChatMessage:
    room = access_room(user, room_id)
    if room.archived:
        raise PermissionDenied(_("This room is archived: read-only."))
    body = validate_body(body)
    reply_to = None
    if reply_to_id is not None:
        reply_to = _messages(user, room).filter(pk=_as_id(reply_to_id)).first()
        if reply_to is None or reply_to.is_deleted:
            raise ValidationError(_("That message is not in this room."))
    held_reason = ""
    # Direct messages belong to no community: nothing screens them and no slow mode applies.
    if room.community_id is not None:
        screening = screen(user, room.community, body)
        if screening.blocked:
            raise PermissionDenied(screening.reason)
        require_slow_mode(user, room)
        held_reason = screening.reason if screening.held else ""
    MESSAGE_RATE.require(user.pk, action="messages")
    return do_send_message(user, room, body, reply_to=reply_to, held_reason=held_reason)


def require_slow_mode(user: User, room: ChatRoom) -> None:
    """The room's slow mode (moderators are exempt): RateLimited, with the wait, for a message
    sent too soon after the author's last one."""
    if (
        not room.slow_mode_seconds
        or communities_where(user, Action.MODERATE).filter(pk=room.community_id).exists()
    ):
        return
    bucket = TokenBucket(f"chat.slow.{room.pk}", capacity=1, per_seconds=room.slow_mode_seconds)
    decision = bucket.take(user.pk)
    if not decision.allowed:
        raise RateLimited(
            decision.retry_after,
            _("Slow mode is on in #%(room)s: try again in %(seconds)s s.")
            % {"room": room.name, "seconds": f"{decision.retry_after:.0f}"},
        )


def access_message(user, message_id) -> ChatMessage:
    """A message in a room `user` may read; Http404 otherwise."""
    message = (
        ChatMessage.objects.readable_by(user)
        .select_related("room__community", "author", "reply_to__author")
        .filter(pk=_as_id(message_id))
        .first()
    )
    if message is None:
        raise Http404(_("No such message."))
    return message


def do_edit_message(message: ChatMessage, body: str) -> ChatMessage:
    with transaction.atomic():
        message.body = body
        message.html = render_markdown(body, mentioned=mentioned_people(body), chat=True)
        message.edited_at = timezone.now()
        message.seq = _next_seq(message.room_id)
        message.save(update_fields=["body", "html", "edited_at", "seq"])
        push_message(message, "chat.edited")
    return message


def check_edit_message(user: User, message_id, body) -> ChatMessage:
    """People edit their own messages, while the room is open and they may read it."""
    message = access_message(user, message_id)
    if message.author_id != user.pk or message.is_deleted:
        raise PermissionDenied(_("You can only edit your own messages."))
    if message.room.archived:
        raise PermissionDenied(_("This room is archived: read-only."))
    body = validate_body(body)
    MESSAGE_RATE.require(user.pk, action="messages")
    return do_edit_message(message, body)


def do_delete_message(message: ChatMessage) -> ChatMessage:
    """Leave a tombstone: the id stays in the history so syncing clients learn of it."""
    with transaction.atomic():
        message.body = ""
        message.html = ""
        message.deleted_at = timezone.now()
        message.seq = _next_seq(message.room_id)
        message.save(update_fields=["body", "html", "deleted_at", "seq"])
        push_to_group(
            message.room.group,
            {
                "type": "chat.deleted",
                "room": message.room_id,
                "message_id": message.pk,
                "seq": message.seq,
            },
        )
    return message


def may_delete(user: User, message: ChatMessage) -> bool:
    """Authors delete their own; moderators and above delete any in their community's rooms."""
    if message.author_id == user.pk:
        return True
    if message.room.is_direct:
        return False
    membership = Membership.objects.filter(user=user, community=message.room.community_id).first()
    return role_may(membership, Action.MODERATE)


def check_delete_message(user: User, message_id) -> ChatMessage:
    message = access_message(user, message_id)
    if message.is_deleted:
        return message
    if not may_delete(user, message):
        raise PermissionDenied(_("You can only delete your own messages."))
    return do_delete_message(message)


# Frames ------------------------------------------------------------------------------------


def person_data(person: User) -> dict:
    return {"id": person.pk, "handle": person.handle, "name": person.name}


def room_data(room: ChatRoom, *, viewer: User | None = None) -> dict:
    """What clients know about a room. `viewer` names the other person of a direct room."""
    data = {
        "id": room.pk,
        "key": room.key,
        "name": room.name,
        "direct": room.is_direct,
        "archived": room.archived,
        "minimum_tier": room.minimum_tier.name if room.minimum_tier_id else None,
    }
    if room.is_direct and viewer is not None:
        other = room.direct_high if room.direct_low_id == viewer.pk else room.direct_low
        data["name"] = other.name
    return data


def message_data(message: ChatMessage, *, readable_parents: set[int] | None = None) -> dict:
    """A message as a client sees it. Caller loaded author and reply_to's author.

    The message it replies to is quoted only where the reader may read that message:
    `readable_parents` holds the ids the reader may (`messages_data` works it out for one
    reader); without it (a push to a whole room) the quote shows unless the parent is
    withheld by moderation, and sockets hiding the parent's author get the variant
    without it (`push_message`). A quote that may not show is `unavailable`, with no author
    and no excerpt."""
    reply = message.reply_to
    quote = None
    if reply is not None and not reply.is_deleted:
        if readable_parents is None:
            shown = not is_withheld(CHAT_MESSAGE_LABEL, reply.pk)
        else:
            shown = reply.pk in readable_parents
        quote = (
            {"id": reply.pk, "author": reply.author.name, "excerpt": reply.body[:80]}
            if shown
            else {"id": reply.pk, "author": None, "excerpt": None, "unavailable": True}
        )
    return {
        "id": message.pk,
        "room": message.room_id,
        "seq": message.seq,
        "author": person_data(message.author),
        "body": message.body,
        "html": message.html,
        "reply_to": quote,
        "created": message.created_at.isoformat(),
        "edited": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": message.is_deleted,
    }


def messages_data(user, messages: list[ChatMessage]) -> list[dict]:
    """`messages` as `user` sees them, each quote through the one message rule (a parent
    hidden, withheld, or by someone blocked either way shows as unavailable). One query
    for the whole list."""
    parent_ids = {message.reply_to_id for message in messages if message.reply_to_id}
    readable = (
        set(
            ChatMessage.objects.readable_by(user)
            .filter(pk__in=parent_ids)
            .values_list("pk", flat=True)
        )
        if parent_ids
        else set()
    )
    return [message_data(message, readable_parents=readable) for message in messages]


# Losing access -----------------------------------------------------------------------------


def revoke_lost_rooms(user_ids: list[int], *, community_id: int | None, reason: str) -> None:
    """Drop from these people's open sockets every room of `community_id` (and every direct
    room of theirs) that they may no longer read. Pushed after commit."""
    people = User.objects.filter(pk__in=user_ids)
    for person in people:
        candidates = ChatRoom.objects.filter(
            Q(community=community_id) | Q(direct_low=person) | Q(direct_high=person)
        )
        lost = candidates.exclude(pk__in=ChatRoom.objects.readable_by(person).values("pk"))
        lost_rooms = list(lost.values_list("pk", "direct_low_id", "direct_high_id"))
        if not lost_rooms:
            continue
        revoke_for_users([person.pk], [room_key(pk) for pk, _low, _high in lost_rooms], reason)
        # The other person of a direct room that closed loses it too.
        for pk, low, high in lost_rooms:
            if low is not None:
                other = high if low == person.pk else low
                revoke_for_users([other], [room_key(pk)], CONVERSATION_CLOSED)


# Retention ---------------------------------------------------------------------------------


def do_purge_expired_messages(*, now=None) -> int:
    """Delete messages older than their room's retention period; return how many went.
    One delete per room that has a retention period (few), none for rooms that keep all."""
    now = now or timezone.now()
    deleted = 0
    for room_id, days in ChatRoom.objects.filter(retention_days__isnull=False).values_list(
        "pk", "retention_days"
    ):
        count, _by_model = ChatMessage.objects.filter(
            room=room_id, created_at__lt=now - timedelta(days=days)
        ).delete()
        deleted += count
    return deleted
