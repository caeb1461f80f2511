"""Governance's registries, through which chat, moderation and notifications meet without
importing each other: screening what members write (communities.screening), telling
people (communities.notifying) and the sidebar's sections from other apps
(communities.sections). Moderation's and notifications' own answers are tested with
them; these tests are about what any registered answer does, and what happens with none."""

import pytest
from django.core.exceptions import PermissionDenied

from communities import screening, sections
from communities.chat import services as chat
from communities.models import AutoModeration, ChatMessage, ChatRoom, Notification
from communities.notifications.receivers import make_notifications
from communities.notifying import NotificationKind, notification_requested, notify
from communities.screening import Screening, Verdict


@pytest.fixture
def general(community):
    return ChatRoom.objects.get(community=community, name="general")


def no_refunds(user, community, text):
    if "refund" in text.lower():
        return Screening(Verdict.BLOCK, "No refund talk in this community.")
    return Screening(Verdict.ALLOW)


def hold_everything(user, community, text):
    return Screening(Verdict.HOLD, "Everything waits for a moderator today.")


@pytest.fixture
def screens(monkeypatch):
    """Put `extra` screens after the registered ones (moderation's), for one test."""

    def register(*extra):
        monkeypatch.setattr(screening, "_screens", [*screening._screens, *extra])

    return register


def seen_by(person, room, message) -> bool:
    return message.pk in [shown.pk for shown in chat.recent_messages(person, room)[0]]


def test_a_registered_screen_refuses_a_message_and_nothing_is_saved(screens, general, member):
    screens(no_refunds)
    with pytest.raises(PermissionDenied, match="No refund talk"):
        chat.check_send_message(member, general.pk, "Can I get a REFUND?")
    assert not ChatMessage.objects.exists()
    assert chat.check_send_message(member, general.pk, "Lovely bottle.").body == "Lovely bottle."


def test_a_screen_that_refuses_wins_over_one_that_holds(screens, general, member):
    screens(hold_everything, no_refunds)
    with pytest.raises(PermissionDenied, match="No refund talk"):
        chat.check_send_message(member, general.pk, "refund please")
    assert not ChatMessage.objects.exists()


def test_a_registered_screen_that_holds_withholds_the_message(
    screens, general, member, insider, moderator
):
    screens(hold_everything)
    held = chat.check_send_message(insider, general.pk, "First pour tonight")
    assert (seen_by(member, general, held), chat.unread_count(member, general)) == (False, 0)
    assert seen_by(insider, general, held) and seen_by(moderator, general, held)


def test_with_nothing_registered_every_message_goes_through(monkeypatch, general, member, insider):
    AutoModeration.objects.create(
        community=general.community, blocked_words="casino", filter_action="block"
    )
    with pytest.raises(PermissionDenied):
        chat.check_send_message(insider, general.pk, "casino tonight")
    monkeypatch.setattr(screening, "_screens", [])
    monkeypatch.setattr(screening, "_withholding", [])
    sent = chat.check_send_message(insider, general.pk, "casino tonight")
    assert seen_by(member, general, sent)
    assert chat.unread_count(member, general) == 1
    reply = chat.check_send_message(member, general.pk, "count me in", reply_to_id=sent.pk)
    assert chat.message_data(reply)["reply_to"]["excerpt"] == "casino tonight"


@pytest.fixture
def no_notifications():
    """Disconnect the notifications capability from governance's signal for one test."""
    notification_requested.disconnect(dispatch_uid="notifications.requested")
    yield
    notification_requested.connect(make_notifications, dispatch_uid="notifications.requested")


def test_notify_tells_whom_the_notifications_capability_told(general, member, insider):
    message = chat.check_send_message(insider, general.pk, "hello")
    told = notify(
        [member, insider], kind=NotificationKind.CHAT_MENTION, actor=insider, target=message
    )
    assert told == [member.pk]
    assert list(Notification.objects.values_list("recipient", flat=True)) == [member.pk]


def test_with_nothing_listening_a_mention_tells_nobody_and_the_message_is_sent(
    no_notifications, general, member, insider
):
    message = chat.check_send_message(insider, general.pk, f"hi @{member.handle}")
    assert seen_by(member, general, message)
    assert not Notification.objects.exists()


def test_a_registered_section_shows_in_the_current_communitys_sidebar_only(
    monkeypatch, client, community, member
):
    def cellar_notes(membership):
        url = f"/c/{membership.community.slug}/cellar-notes/"
        return [sections.Section(label="Cellar notes", url=url, key="cellar")]

    monkeypatch.setattr(sections, "_answers", [])
    client.force_login(member)
    assert 'data-testid="sidebar-cellar"' not in client.get("/shell/sidebar/", {"c": "wine"}).text
    sections.register_sections(cellar_notes)
    sections.register_sections(cellar_notes)
    html = client.get("/shell/sidebar/", {"c": "wine"}).text
    assert html.count('<a href="/c/wine/cellar-notes/" data-testid="sidebar-cellar">') == 1
    assert "Cellar notes" not in client.get("/shell/sidebar/").text
