"""The app shell's sidebar (/shell/sidebar/, loaded by every signed-in page): my communities
with an unread dot, the current community's sections and the rooms I may read with their
unread counts, in a fixed number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.chat import services as chat
from communities.models import ChatRoom, Membership
from tests.factories import add_member, create_community


def sidebar(client, viewer, current=""):
    client.force_login(viewer)
    return client.get("/shell/sidebar/", {"c": current} if current else {})


def test_every_signed_in_page_loads_the_sidebar_after_itself(client, member):
    client.force_login(member)
    page = client.get("/").content.decode()
    assert 'hx-get="/shell/sidebar/"' in page and 'hx-trigger="load"' in page
    community_page = client.get("/c/wine/").content.decode()
    assert 'hx-get="/shell/sidebar/?c=wine"' in community_page


def test_signed_out_visitors_get_no_sidebar(client):
    assert b"/shell/sidebar/" not in client.get("/").content
    response = client.get("/shell/sidebar/")
    assert response.status_code == 302


def test_my_communities_show_a_dot_for_unread_messages_in_rooms_i_may_read(
    client, community, owner, member, insider
):
    general = ChatRoom.objects.get(community=community, name="general")
    cellar = chat.check_create_room(
        Membership.objects.get(user=owner, community=community),
        community,
        name="cellar",
        minimum_tier=community.tiers.get(name="Insider"),
    )
    quiet = create_community(name="Quiet Readers", slug="quiet")
    add_member(quiet, member)
    chat.check_send_message(insider, cellar.pk, "Insiders only tonight")

    html = sidebar(client, member).content.decode()
    assert "Natural Wine Club" in html and "Quiet Readers" in html
    assert "Unread messages" not in html  # the only new message is in a room above my tier

    chat.check_send_message(insider, general.pk, "Hello all")
    html = sidebar(client, member).content.decode()
    assert html.count("Unread messages") == 1


def test_the_current_community_lists_its_readable_rooms_with_unread_counts(
    client, community, owner, member, insider
):
    general = ChatRoom.objects.get(community=community, name="general")
    chat.check_create_room(
        Membership.objects.get(user=owner, community=community),
        community,
        name="cellar",
        minimum_tier=community.tiers.get(name="Insider"),
    )
    chat.check_send_message(insider, general.pk, "one")
    chat.check_send_message(insider, general.pk, "two")

    html = sidebar(client, member, current="wine").content.decode()
    assert f'/c/wine/chat/{general.pk}/" data-testid="sidebar-room">#general' in html
    assert 'aria-label="2 unread">2<' in html
    assert "#cellar" not in html
    assert "#cellar" in sidebar(client, insider, current="wine").content.decode()


def test_admin_sections_show_only_to_those_who_may_use_them(client, community, owner, member):
    member_html = sidebar(client, member, current="wine").content.decode()
    owner_html = sidebar(client, owner, current="wine").content.decode()
    for section in ("/c/wine/settings/", "/c/wine/moderation/", "/c/wine/crossposts/"):
        assert section not in member_html
        assert section in owner_html
    assert "/c/wine/members/" in member_html


def test_a_community_i_am_not_in_shows_no_sections(client, community, outsider):
    html = sidebar(client, outsider, current="wine").content.decode()
    assert "Natural Wine Club" not in html and "/c/wine/members/" not in html
    assert "You are in no community yet." in html


def test_the_sidebar_costs_the_same_queries_for_one_community_or_many(client, member, community):
    client.force_login(member)
    with CaptureQueriesContext(connection) as one:
        client.get("/shell/sidebar/", {"c": "wine"})
    for number in range(4):
        other = create_community(slug=f"more-{number}")
        add_member(other, member)
        room = ChatRoom.objects.get(community=other, name="general")
        chat.check_send_message(other.owner, room.pk, f"hello {number}")
    with CaptureQueriesContext(connection) as five:
        response = client.get("/shell/sidebar/", {"c": "wine"})
    assert response.content.decode().count("sidebar__place") >= 5
    assert len(five.captured_queries) == len(one.captured_queries)
