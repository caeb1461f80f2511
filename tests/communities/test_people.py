"""People on profiles and member rows: Message and Block (or Unblock) for everyone but
oneself, as plain forms that come back with a message; the Messages badge in the top bar
counts what the messages page counts."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.chat.models import ChatRoom
from communities.chat.services import check_mark_read, check_open_direct_room, check_send_message
from sosoon_site.accounts.models import Block
from tests.factories import add_member

MEMBERS = reverse("communities:members", kwargs={"slug": "wine"})
MESSAGES = reverse("communities:direct_messages")


def person_url(someone) -> str:
    return reverse("feeds:person", kwargs={"handle": someone.handle})


def actions_of(page: str, handle: str) -> str:
    """The member row of `handle` on the member list."""
    row = re.search(rf'data-testid="member-{handle}">(.*?)</li>', page, re.S)
    assert row, f"no row for @{handle}"
    return row.group(1)


def messages_badge(page: str) -> str:
    return re.search(r'data-testid="messages-badge"[^>]*>([^<]*)<', page).group(1)


def test_a_profile_offers_message_and_block_but_not_on_your_own(client, member, insider):
    client.force_login(member)

    theirs = client.get(person_url(insider)).content.decode()
    mine = client.get(person_url(member)).content.decode()

    assert f'aria-label="Message {insider.name}">Message</button>' in theirs
    assert f'action="{reverse("block_person", args=[insider.handle])}"' in theirs
    assert "csrfmiddlewaretoken" in theirs
    assert 'data-testid="person-actions"' not in mine
    assert "Edit your profile" in mine


def test_member_rows_offer_message_and_block_except_your_own(client, community, member, insider):
    client.force_login(member)

    page = client.get(MEMBERS).content.decode()

    assert ">Message</button>" in actions_of(page, insider.handle)
    assert ">Block</button>" in actions_of(page, insider.handle)
    assert 'data-testid="person-actions"' not in actions_of(page, member.handle)


def test_message_opens_the_conversation_and_works_without_javascript(member, insider):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    page = browser.get(person_url(insider)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    refused = browser.post(MESSAGES, {"handle": insider.handle})
    response = browser.post(MESSAGES, {"handle": insider.handle, "csrfmiddlewaretoken": token})

    assert refused.status_code == 403
    room = ChatRoom.objects.get(community__isnull=True)
    assert response.status_code == 302
    assert response["Location"] == reverse("communities:direct_room", args=[room.pk])
    assert {room.direct_low_id, room.direct_high_id} == {member.pk, insider.pk}


def test_messaging_someone_who_blocked_you_goes_back_with_a_reason_and_opens_nothing(
    client, member, insider
):
    Block.objects.create(blocker=insider, blocked=member)
    client.force_login(member)

    response = client.post(MESSAGES, {"handle": insider.handle, "next": MEMBERS}, follow=True)

    assert response.redirect_chain == [(MEMBERS, 302)]
    assert "You can message people who share a community with you" in response.text
    assert "blocked" not in response.text.split('class="flash"')[1].split("</ul>")[0]
    assert not ChatRoom.objects.filter(community__isnull=True).exists()


def test_block_from_a_member_row_comes_back_and_offers_unblock(client, member, insider):
    client.force_login(member)
    back = f"{MEMBERS}?page=1"

    blocked = client.post(
        reverse("block_person", args=[insider.handle]), {"next": back}, follow=True
    )

    assert blocked.redirect_chain == [(back, 302)]
    assert f"You blocked @{insider.handle}" in blocked.text
    assert Block.objects.filter(blocker=member, blocked=insider).exists()
    row = actions_of(blocked.text, insider.handle)
    assert ">Unblock</button>" in row and ">Message</button>" not in row

    unblocked = client.post(
        reverse("unblock_person", args=[insider.handle]), {"next": back}, follow=True
    )

    assert f"You unblocked @{insider.handle}" in unblocked.text
    assert not Block.objects.exists()
    assert ">Block</button>" in actions_of(unblocked.text, insider.handle)


def test_block_from_a_profile_lands_on_the_blocked_people_page(client, member, insider):
    client.force_login(member)

    response = client.post(reverse("block_person", args=[insider.handle]), follow=True)

    assert response.redirect_chain == [(reverse("blocked_people"), 302)]
    assert f"You blocked @{insider.handle}" in response.text
    assert client.get(person_url(insider)).status_code == 404


def test_nobody_blocks_themselves(client, member):
    client.force_login(member)

    response = client.post(reverse("block_person", args=[member.handle]), {"next": MEMBERS})

    assert response.status_code == 404
    assert not Block.objects.exists()


def test_block_and_message_need_a_signed_in_person(client, insider):
    for url in (reverse("block_person", args=[insider.handle]), MESSAGES):
        response = client.post(url, {"handle": insider.handle})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert (
        not Block.objects.exists() and not ChatRoom.objects.filter(community__isnull=True).exists()
    )


@pytest.fixture
def conversations(community, member):
    """Three people write to `member`: 2, 1 and 3 messages."""
    writers = [add_member(community).user for _ in range(3)]
    for writer, count in zip(writers, (2, 1, 3), strict=True):
        room = check_open_direct_room(writer, member.handle)
        for number in range(count):
            check_send_message(writer, room.pk, f"Message {number}")
    return writers


def test_the_messages_badge_counts_what_the_messages_page_counts(client, member, conversations):
    client.force_login(member)

    home = client.get("/").content.decode()
    page = client.get(MESSAGES).content.decode()

    per_conversation = [
        int(n) for n in re.findall(r'class="badge" aria-label="(\d+) unread"', page)
    ]
    assert sorted(per_conversation) == [1, 2, 3]
    assert messages_badge(home) == "6"
    assert messages_badge(page) == "6"

    room = ChatRoom.objects.direct_for(conversations[2]).get()
    check_mark_read(member, room.pk, room.messages.order_by("-id").first().pk)
    assert messages_badge(client.get("/").content.decode()) == "3"


def test_the_badge_alone_counts_the_same_and_needs_a_sign_in(client, member, conversations):
    badge_url = reverse("communities:direct_badge")
    assert client.get(badge_url).status_code == 302, "a visitor is sent to sign in"
    client.force_login(member)
    assert messages_badge(client.get(badge_url).content.decode()) == "6"


def test_the_messages_badge_leaves_out_people_blocked_either_way(client, member, conversations):
    Block.objects.create(blocker=member, blocked=conversations[0])
    Block.objects.create(blocker=conversations[1], blocked=member)
    client.force_login(member)

    assert messages_badge(client.get("/").content.decode()) == "3"


def test_the_messages_badge_is_empty_with_nothing_unread(client, member):
    client.force_login(member)

    home = client.get("/").content.decode()

    assert messages_badge(home) == ""
    assert 'class="badge badge--empty" data-testid="messages-badge"' in home


def test_the_badges_cost_the_same_queries_for_any_number_of_conversations(
    client, community, member, django_assert_max_num_queries
):
    client.force_login(member)
    writer = add_member(community).user
    check_send_message(writer, check_open_direct_room(writer, member.handle).pk, "Hi")
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    for _ in range(6):
        writer = add_member(community).user
        check_send_message(writer, check_open_direct_room(writer, member.handle).pk, "Hi")
    with django_assert_max_num_queries(len(one.captured_queries)):
        home = client.get("/").content.decode()
    assert messages_badge(home) == "7"
