"""A member partner reaches their own page from the app shell's sidebar: "Your partner
numbers" in the sections of the community they partner, for them only, gone once they are
removed, and in the sidebar's fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feeds.insights.partners.services import do_add_partner, do_remove_partner
from tests.factories import add_member, create_community

LINK = 'data-testid="sidebar-partner-numbers"'


def _sidebar(client, viewer, current="wine") -> str:
    client.force_login(viewer)
    return client.get("/shell/sidebar/", {"c": current}).content.decode()


@pytest.fixture
def mia(community, owner, member):
    return do_add_partner(community, owner, name="Mia", handle=f"@{member.handle}", user=member)


def test_a_member_partner_finds_their_numbers_in_their_communitys_sections(
    client, community, mia, member
):
    html = _sidebar(client, member)
    url = reverse("insights:partner", kwargs={"slug": community.slug, "partner_id": mia.pk})
    assert f'<a href="{url}" {LINK}>Your partner numbers</a>' in html
    assert client.get(url).status_code == 200


def test_only_there_and_only_for_them(client, community, owner, admin, mia, member, insider):
    other = create_community(name="Quiet Readers", slug="quiet")
    add_member(other, member)
    assert LINK not in _sidebar(client, member, current="quiet")
    assert LINK not in _sidebar(client, member, current="")
    for viewer in [owner, admin, insider]:
        assert LINK not in _sidebar(client, viewer)
    do_add_partner(community, owner, name="Outside", handle="@outside")
    assert LINK not in _sidebar(client, insider)


def test_a_removed_partner_has_no_link(client, mia, member):
    do_remove_partner(mia)
    assert LINK not in _sidebar(client, member)


def test_the_link_costs_the_same_queries_however_many_communities_they_partner(
    client, community, owner, mia, member
):
    client.force_login(member)
    with CaptureQueriesContext(connection) as one:
        client.get("/shell/sidebar/", {"c": "wine"})
    for number in range(4):
        more = create_community(slug=f"more-{number}")
        add_member(more, member)
        do_add_partner(more, more.owner, name="Mia", handle="@mia", user=member)
    with CaptureQueriesContext(connection) as five:
        html = client.get("/shell/sidebar/", {"c": "wine"}).content.decode()
    assert html.count("sidebar__place") >= 5 and html.count(LINK) == 1
    assert len(five.captured_queries) == len(one.captured_queries)
