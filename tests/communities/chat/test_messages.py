"""Messages: sending, replying, editing, deleting, mentions, unread counts, history, search,
and the per-person rate limit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from communities.chat import services as chat
from communities.models import ChatRoom, Membership, Notification, NotificationKind
from communities.notifications.services import unread_count
from sosoon_site.accounts.blocks import do_block
from sosoon_site.rate_limits import RateLimited, TokenBucket


@pytest.fixture
def general(community):
    return ChatRoom.objects.get(community=community, name="general")


def test_a_message_is_stored_with_sanitised_html(general, member):
    message = chat.check_send_message(
        member, general.pk, "**hi** <script>alert(1)</script> [x](javascript:alert(1))"
    )
    assert message.body.startswith("**hi**")
    assert "<strong>hi</strong>" in message.html
    assert "<script" not in message.html
    assert "javascript:" not in message.html


@pytest.mark.parametrize(
    ("body", "error"),
    [("", "Write something"), ("   ", "Write something"), ("x" * 4001, "at most 4,000")],
)
def test_empty_and_overlong_bodies_are_refused(general, member, body, error):
    with pytest.raises(ValidationError, match=error):
        chat.check_send_message(member, general.pk, body)


def test_exactly_4000_characters_is_fine(general, member):
    assert len(chat.check_send_message(member, general.pk, "é" * 4000).body) == 4000


def test_outsiders_cannot_send(general, outsider):
    with pytest.raises(Http404):
        chat.check_send_message(outsider, general.pk, "let me in")


def test_archived_rooms_are_read_only(community, owner, member):
    actor = Membership.objects.get(user=owner, community=community)
    room = chat.check_create_room(actor, community, name="old")
    chat.check_update_room(actor, room, archived=True)
    with pytest.raises(PermissionDenied, match="archived"):
        chat.check_send_message(member, room.pk, "hello?")
    assert chat.access_room(member, room.pk) == room


def test_replies_point_at_a_message_of_the_same_room(community, owner, general, member):
    first = chat.check_send_message(owner, general.pk, "Which grape?")
    reply = chat.check_send_message(member, general.pk, "Gamay", reply_to_id=first.pk)
    assert chat.message_data(reply)["reply_to"] == {
        "id": first.pk,
        "author": owner.name,
        "excerpt": "Which grape?",
    }
    other = chat.check_create_room(
        Membership.objects.get(user=owner, community=community), community, name="other"
    )
    with pytest.raises(ValidationError):
        chat.check_send_message(member, other.pk, "nope", reply_to_id=first.pk)


def test_people_edit_only_their_own_messages(general, member, moderator):
    message = chat.check_send_message(member, general.pk, "helo")
    edited = chat.check_edit_message(member, message.pk, "hello")
    assert (edited.body, edited.edited_at is not None) == ("hello", True)
    with pytest.raises(PermissionDenied):
        chat.check_edit_message(moderator, message.pk, "hijacked")


@pytest.mark.parametrize(
    ("deleter", "allowed"),
    [("member", True), ("moderator", True), ("admin", True), ("insider", False)],
)
def test_authors_and_moderators_delete(request, general, member, deleter, allowed):
    message = chat.check_send_message(member, general.pk, "oops")
    person = request.getfixturevalue(deleter)
    if allowed:
        deleted = chat.check_delete_message(person, message.pk)
        assert (deleted.body, deleted.html, deleted.is_deleted) == ("", "", True)
    else:
        with pytest.raises(PermissionDenied):
            chat.check_delete_message(person, message.pk)


def test_nobody_deletes_the_other_persons_direct_messages(member, insider):
    room = chat.check_open_direct_room(member, insider.handle)
    message = chat.check_send_message(member, room.pk, "secret")
    with pytest.raises(PermissionDenied):
        chat.check_delete_message(insider, message.pk)


def test_mentions_notify_only_people_who_may_read_the_room(
    community, owner, member, moderator, insider, outsider
):
    """In the Insider room: the owner (who reads every tier's rooms) hears of the mention;
    the base-tier member and moderator and the outsider do not."""
    actor = Membership.objects.get(user=owner, community=community)
    insiders = chat.check_create_room(
        actor, community, name="insiders", minimum_tier=community.tiers.get(name="Insider")
    )
    chat.check_send_message(
        insider,
        insiders.pk,
        f"@{owner.handle} @{member.handle} @{moderator.handle} @{outsider.handle} look",
    )
    assert list(Notification.objects.values_list("recipient__handle", "kind")) == [
        (owner.handle, NotificationKind.CHAT_MENTION)
    ]
    Notification.objects.all().delete()

    general = ChatRoom.objects.get(community=community, name="general")
    chat.check_send_message(insider, general.pk, f"@{member.handle} and @{outsider.handle}")
    assert list(Notification.objects.values_list("recipient", "kind")) == [
        (member.pk, NotificationKind.CHAT_MENTION)
    ]
    assert unread_count(member) == 1


def test_a_mention_notification_vanishes_with_access(community, general, insider, member):
    chat.check_send_message(insider, general.pk, f"hi @{member.handle}")
    assert unread_count(member) == 1
    do_block(member, insider)
    assert unread_count(member) == 0


def test_unread_counts_follow_the_read_marker(general, member, insider):
    first = chat.check_send_message(insider, general.pk, "one")
    chat.check_send_message(insider, general.pk, "two")
    chat.check_send_message(member, general.pk, "my own does not count")
    assert chat.unread_count(member, general) == 0, "sending marks the room read"

    chat.do_mark_read(member, general, 0)
    assert chat.unread_count(member, general) == 0, "the marker never moves back"

    assert chat.unread_count(insider, general) == 1
    chat.check_mark_read(insider, general.pk, first.pk)
    assert chat.unread_count(insider, general) == 1


def test_unread_counts_per_room_in_one_query(
    community, general, member, insider, django_assert_num_queries
):
    chat.check_send_message(insider, general.pk, "one")
    with django_assert_num_queries(1):
        rooms = chat.community_rooms(member, community)
    assert [(room.name, room.unread) for room in rooms] == [("general", 1)]


def test_history_pages_backwards_by_id(general, member):
    sent = [chat.do_send_message(member, general, f"message {number}").pk for number in range(120)]
    newest, has_older = chat.recent_messages(member, general)
    assert [message.pk for message in newest] == sent[-50:]
    assert has_older
    older, has_older = chat.recent_messages(member, general, before=newest[0].pk)
    assert [message.pk for message in older] == sent[-100:-50]
    oldest, has_older = chat.recent_messages(member, general, before=older[0].pk)
    assert [message.pk for message in oldest] == sent[:20]
    assert not has_older


def test_sync_returns_exactly_what_came_after(general, member):
    sent = [chat.do_send_message(member, general, f"m{number}") for number in range(5)]
    missed, more, cursor = chat.changes_after(member, general, sent[1].seq)
    assert [message.pk for message in missed] == [message.pk for message in sent[2:]]
    assert (more, cursor) == (False, sent[-1].seq)
    page, more, cursor = chat.changes_after(member, general, 0, limit=2)
    assert ([message.pk for message in page], more) == ([sent[0].pk, sent[1].pk], True)
    assert cursor == sent[1].seq


def test_edits_and_deletions_come_back_on_sync_in_the_order_they_happened(general, member):
    first, second, third = (chat.do_send_message(member, general, f"m{n}") for n in range(3))
    cursor = third.seq
    chat.do_delete_message(first)
    chat.do_edit_message(second, "m1, edited")
    missed, _, cursor_after = chat.changes_after(member, general, cursor)
    assert [(message.pk, message.body) for message in missed] == [
        (first.pk, ""),
        (second.pk, "m1, edited"),
    ]
    assert missed[0].is_deleted
    assert chat.changes_after(member, general, cursor_after)[0] == []


def test_blocked_authors_are_left_out_of_history(general, member, insider):
    chat.check_send_message(insider, general.pk, "from insider")
    chat.check_send_message(member, general.pk, "from member")
    do_block(member, insider)
    messages, _ = chat.recent_messages(member, general)
    assert [message.body for message in messages] == ["from member"]


def test_search_finds_messages_in_readable_rooms_only(community, owner, general, member, insider):
    actor = Membership.objects.get(user=owner, community=community)
    insiders = chat.check_create_room(
        actor, community, name="insiders", minimum_tier=community.tiers.get(name="Insider")
    )
    chat.check_send_message(insider, general.pk, "Pét-nat from the Loire")
    chat.check_send_message(insider, insiders.pk, "Secret Loire allocation")

    _, found = chat.search_messages(member, general.pk, "loire")
    assert [message.body for message in found] == ["Pét-nat from the Loire"]
    with pytest.raises(Http404):
        chat.search_messages(member, insiders.pk, "loire")
    with pytest.raises(ValidationError):
        chat.search_messages(member, general.pk, "l")


def test_the_message_rate_is_ten_per_ten_seconds(general, member, insider):
    for number in range(10):
        chat.check_send_message(member, general.pk, f"m{number}")
    with pytest.raises(RateLimited) as limited:
        chat.check_send_message(member, general.pk, "one too many")
    assert 0 < limited.value.retry_after <= 1.0
    chat.check_send_message(insider, general.pk, "others are not affected")


LOCAL_MEMORY = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_a_token_bucket_refills_over_time(monkeypatch, settings):
    import time as time_module

    settings.CACHES = LOCAL_MEMORY
    clock = [1000.0]
    monkeypatch.setattr(time_module, "monotonic", lambda: clock[0])
    bucket = TokenBucket("test", capacity=2, per_seconds=10)
    assert bucket.take("x").allowed
    assert bucket.take("x").allowed
    refused = bucket.take("x")
    assert (refused.allowed, refused.retry_after) == (False, 5.0)
    clock[0] += 5
    assert bucket.take("x").allowed
    assert not bucket.take("x").allowed


@pytest.mark.redis
def test_on_redis_every_process_draws_from_one_bucket(settings):
    """Two cache connections stand in for two processes: together they get one bucket."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(caches["default"], RedisCache)
    bucket = TokenBucket("shared", capacity=3, per_seconds=60)
    bucket.reset("p")
    first_process = [bucket.take("p").allowed for _ in range(2)]
    caches.close_all()
    del caches["default"]
    second_process = [bucket.take("p").allowed for _ in range(2)]
    assert first_process + second_process == [True, True, True, False]


def test_history_sync_and_search_leave_out_messages_held_for_review(
    community, general, member, insider, moderator
):
    from communities.models import AutoModeration

    AutoModeration.objects.create(community=community, blocked_words="casino")
    held = chat.check_send_message(insider, general.pk, "casino tonight")

    def seen_by(person):
        history = [message.pk for message in chat.recent_messages(person, general)[0]]
        synced = [message.pk for message in chat.changes_after(person, general, 0)[0]]
        found = [message.pk for message in chat.search_messages(person, general.pk, "casino")[1]]
        return held.pk in history, held.pk in synced, held.pk in found

    assert seen_by(member) == (False, False, False)
    assert chat.unread_count(member, general) == 0
    assert seen_by(insider) == (True, True, True)
    assert seen_by(moderator) == (True, True, True)
