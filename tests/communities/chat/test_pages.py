"""Chat pages: the panel on the community page, room settings, direct messages and search,
each with the people it refuses."""

import pytest

from communities.chat import services as chat
from communities.models import ChatRoom, Membership


@pytest.fixture
def general(community):
    return ChatRoom.objects.get(community=community, name="general")


def test_members_see_the_chat_panel_with_their_rooms_and_unread_counts(
    client, community, general, member, insider
):
    chat.check_send_message(insider, general.pk, "hello")
    client.force_login(member)
    response = client.get(f"/c/{community.slug}/")
    assert response.status_code == 200
    assert b"<title>Natural Wine Club" in response.content
    assert b"data-chat" in response.content
    assert f'data-room="{general.pk}"'.encode() in response.content
    assert b'aria-label="1 unread"' in response.content
    assert b"js/chat.js" in response.content


def test_visitors_of_a_listed_community_see_no_chat(client, listed_community, outsider):
    client.force_login(outsider)
    response = client.get(f"/c/{listed_community.slug}/")
    assert response.status_code == 200
    assert b"data-chat" not in response.content


def test_tier_rooms_are_not_listed_below_the_tier(client, community, owner, member):
    chat.check_create_room(
        Membership.objects.get(user=owner, community=community),
        community,
        name="insiders",
        minimum_tier=community.tiers.get(name="Insider"),
    )
    client.force_login(member)
    assert b"#insiders" not in client.get(f"/c/{community.slug}/").content


def test_admins_create_retier_and_archive_rooms(client, community, admin):
    client.force_login(admin)
    page = client.get(f"/c/{community.slug}/rooms/")
    assert page.status_code == 200
    assert b"<title>Rooms" in page.content
    insider_tier = community.tiers.get(name="Insider")

    response = client.post(
        f"/c/{community.slug}/rooms/",
        {"name": "Cellar", "minimum_tier": insider_tier.pk, "retention_days": "30"},
    )
    assert response.status_code == 302
    room = ChatRoom.objects.get(community=community, name="cellar")
    assert (room.minimum_tier, room.retention_days) == (insider_tier, 30)

    client.post(
        f"/c/{community.slug}/rooms/{room.pk}/",
        {"name": "cave", "minimum_tier": "", "retention_days": ""},
    )
    client.post(f"/c/{community.slug}/rooms/{room.pk}/", {"archive": "1"})
    room.refresh_from_db()
    assert (room.name, room.minimum_tier, room.retention_days, room.archived) == (
        "cave",
        None,
        None,
        True,
    )


@pytest.mark.parametrize(
    ("who", "status"), [("moderator", 403), ("member", 403), ("outsider", 404)]
)
def test_only_admins_manage_rooms(request, client, community, general, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"/c/{community.slug}/rooms/").status_code == status
    response = client.post(f"/c/{community.slug}/rooms/{general.pk}/", {"archive": "1"})
    assert response.status_code == status


def test_starting_a_direct_conversation_and_reading_it(client, member, insider):
    client.force_login(member)
    response = client.post("/messages/", {"handle": "@" + insider.handle})
    room = ChatRoom.objects.get(direct_low__isnull=False)
    assert response["Location"] == f"/messages/{room.pk}/"
    page = client.get(f"/messages/{room.pk}/")
    assert page.status_code == 200
    assert f"<title>{insider.name} · Direct messages".encode() in page.content
    chat.check_send_message(insider, room.pk, "hi there")
    listing = client.get("/messages/")
    assert b"<title>Direct messages" in listing.content
    assert insider.name.encode() in listing.content
    assert b'aria-label="1 unread"' in listing.content


def test_strangers_cannot_be_messaged_nor_read_others_conversations(
    client, member, insider, outsider
):
    room = chat.check_open_direct_room(member, insider.handle)
    client.force_login(outsider)
    response = client.post("/messages/", {"handle": member.handle}, follow=True)
    assert b"share a community" in response.content
    assert not ChatRoom.objects.filter(direct_low=outsider).exists()
    assert not ChatRoom.objects.filter(direct_high=outsider).exists()
    assert client.get(f"/messages/{room.pk}/").status_code == 404


def test_a_community_room_is_not_a_direct_room_page(client, general, member):
    client.force_login(member)
    assert client.get(f"/messages/{general.pk}/").status_code == 404


def test_search_page_finds_messages_and_refuses_unreadable_rooms(
    client, community, owner, general, member, insider, outsider
):
    chat.check_send_message(insider, general.pk, "Loire pét-nat")
    client.force_login(member)
    response = client.get(f"/chat/{general.pk}/search/", {"q": "loire"})
    assert response.status_code == 200
    assert b"<title>Search #general" in response.content
    assert "Loire pét-nat".encode() in response.content
    assert b"1 message" in response.content

    client.force_login(outsider)
    assert client.get(f"/chat/{general.pk}/search/", {"q": "loire"}).status_code == 404


def test_chat_pages_need_sign_in(client, general):
    for url in ["/messages/", f"/chat/{general.pk}/search/", "/messages/1/"]:
        assert client.get(url).status_code == 302


def test_a_room_has_a_page_of_its_own_for_those_who_may_read_it(
    client, community, general, owner, member, insider, outsider, listed_community
):
    cellar = chat.check_create_room(
        Membership.objects.get(user=owner, community=community),
        community,
        name="cellar",
        minimum_tier=community.tiers.get(name="Insider"),
    )
    client.force_login(insider)
    page = client.get(f"/c/{community.slug}/chat/{cellar.pk}/")
    assert page.status_code == 200
    assert b"<title>#cellar \xc2\xb7 Natural Wine Club" in page.content
    assert f'data-initial-room="{cellar.pk}"'.encode() in page.content
    assert b"chat--place" in page.content

    client.force_login(member)
    assert client.get(f"/c/{community.slug}/chat/{cellar.pk}/").status_code == 404
    assert client.get(f"/c/{community.slug}/chat/{general.pk}/").status_code == 200
    assert client.get(f"/c/{listed_community.slug}/chat/{general.pk}/").status_code == 404
    direct = chat.check_open_direct_room(member, insider.handle)
    assert client.get(f"/c/{community.slug}/chat/{direct.pk}/").status_code == 404
    client.force_login(outsider)
    assert client.get(f"/c/{community.slug}/chat/{general.pk}/").status_code == 404
