"""Moderation in chat: reports on messages, mutes, the filter, held messages, slow mode."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from communities.chat import services as chat
from communities.models import AutoModeration, ChatMessage, ChatRoom, Membership, Report
from communities.moderation.services.actions import check_delete_content, check_mute_member
from communities.moderation.services.reports import check_file_report
from sosoon_site.rate_limits import RateLimited

pytestmark = pytest.mark.django_db


@pytest.fixture
def general(community):
    return ChatRoom.objects.get(community=community, name="general")


def test_a_message_is_reported_and_deleted_with_a_tombstone(general, member, author, moderator):
    message = chat.check_send_message(author, general.pk, "Cheap watches here")
    filed = check_file_report(member, label="chat_message", target_id=message.pk, reason="spam")
    assert filed.snapshot["text"] == "Cheap watches here"
    assert filed.snapshot["audience"] == "#general"

    check_delete_content(moderator, "chat_message", message.pk, reason="Spam")
    message.refresh_from_db()
    assert message.is_deleted
    assert Report.objects.get().status == "handled"


def test_a_muted_member_cannot_chat(general, author, moderator, member):
    message = chat.check_send_message(author, general.pk, "You are all wrong")
    check_mute_member(moderator, "chat_message", message.pk, duration="1h", reason="Cool off")
    with pytest.raises(PermissionDenied, match="muted"):
        chat.check_send_message(author, general.pk, "Still wrong")
    assert chat.check_send_message(member, general.pk, "Calm now")


def test_a_filtered_message_is_held_and_seen_only_by_its_author_and_moderators(
    general, community, author, member, moderator
):
    AutoModeration.objects.create(community=community, blocked_words="casino")
    message = chat.check_send_message(author, general.pk, "Visit my casino")

    def sees(user):
        return ChatMessage.objects.readable_by(user).filter(pk=message.pk).exists()

    assert sees(author) and sees(moderator)
    assert not sees(member)


def test_a_blocked_word_refuses_the_message(general, community, author):
    AutoModeration.objects.create(
        community=community, blocked_words="casino", filter_action="block"
    )
    with pytest.raises(PermissionDenied, match="does not allow"):
        chat.check_send_message(author, general.pk, "casino night")
    assert not ChatMessage.objects.exists()


def test_slow_mode_makes_members_wait_but_not_moderators(
    general, community, owner, author, moderator
):
    chat.check_update_room(
        Membership.objects.get(user=owner, community=community), general, slow_mode_seconds=60
    )
    chat.check_send_message(author, general.pk, "one")
    with pytest.raises(RateLimited, match="Slow mode"):
        chat.check_send_message(author, general.pk, "two")
    chat.check_send_message(moderator, general.pk, "one")
    chat.check_send_message(moderator, general.pk, "two")


def test_slow_mode_has_bounds(general, community, owner):
    with pytest.raises(ValidationError, match="between"):
        chat.check_update_room(
            Membership.objects.get(user=owner, community=community), general, slow_mode_seconds=-1
        )
