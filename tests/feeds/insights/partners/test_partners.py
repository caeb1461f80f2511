"""Adding partners and their links, who may do it, who may read a partner's own page, and
the tracked link that counts a visit once a browser session and opens the invitation."""

import pytest
from django.urls import reverse

from communities.models import Invitation
from feeds.insights.days import today
from feeds.insights.partners.models import LinkVisitDay, Partner, PartnerLink
from feeds.insights.partners.services import do_add_partner
from tests.factories import add_member


def _partners(community):
    return reverse("insights:partners", kwargs={"slug": community.slug})


def _partner_page(partner):
    return reverse(
        "insights:partner", kwargs={"slug": partner.community.slug, "partner_id": partner.pk}
    )


MEMBER_FORM = {"kind": "member", "member_handle": "", "name": "", "handle": "", "tier": ""}


@pytest.mark.parametrize("who", ["owner", "admin"])
def test_owner_and_admins_add_a_member_as_partner_with_a_first_link(
    client, community, member, who, request
):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        _partners(community), {**MEMBER_FORM, "member_handle": f"@{member.handle.upper()}"}
    )
    assert response.status_code == 302
    partner = Partner.objects.get(community=community)
    assert partner.user == member and partner.handle == f"@{member.handle}"
    assert partner.name == member.name
    link = partner.links.get()
    assert link.invitation.community == community and link.invitation.tier.rank == 0
    page = client.get(_partners(community)).content.decode()
    assert link.get_absolute_url() in page and _partner_page(partner) in page


def test_an_outside_partner_by_name_and_handle_with_a_tier(client, community, owner):
    client.force_login(owner)
    insider = community.tiers.get(name="Insider")
    response = client.post(
        _partners(community),
        {"kind": "outside", "name": "Oscar", "handle": "@oscar.wine", "tier": insider.pk},
    )
    assert response.status_code == 302
    partner = Partner.objects.get(community=community)
    assert (partner.user, partner.name, partner.handle) == (None, "Oscar", "@oscar.wine")
    assert partner.links.get().invitation.tier == insider
    client.post(
        reverse(
            "insights:partner_add_link",
            kwargs={"slug": community.slug, "partner_id": partner.pk},
        ),
        {"label": "Spring newsletter"},
    )
    assert list(partner.links.values_list("label", flat=True)) == ["", "Spring newsletter"]
    assert all(link.invitation.tier == insider for link in partner.links.all())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {**MEMBER_FORM, "member_handle": "nobody_here"},
            "Nobody with the handle @nobody_here is a member of this community.",
        ),
        ({**MEMBER_FORM, "member_handle": "outsider"}, "Nobody with the handle @outsider"),
        ({**MEMBER_FORM, "member_handle": "banned1"}, "Nobody with the handle @banned1"),
        ({**MEMBER_FORM}, "Give the member&#x27;s handle."),
        ({"kind": "outside", "name": "", "handle": "@x_y"}, "Give the partner&#x27;s name."),
        ({"kind": "outside", "name": "Oscar", "handle": ""}, "Give the handle people know"),
        ({"kind": "outside", "name": "Oscar", "handle": "@a b"}, "A handle is 2 to 60"),
        ({"kind": "elsewhere", "name": "Oscar", "handle": "@oscar"}, "Select a valid choice"),
        (
            {"kind": "outside", "name": "Oscar", "handle": "@oscar", "tier": "999999"},
            "Select a valid choice",
        ),
    ],
)
def test_bad_input_says_why_and_saves_nothing(
    client, community, owner, outsider, user_factory, data, message
):
    add_member(community, user_factory(handle="banned1"), status="banned")
    client.force_login(owner)
    invitations = Invitation.objects.count()
    response = client.post(_partners(community), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Partner.objects.exists()
    assert Invitation.objects.count() == invitations


def test_a_member_is_a_partner_once(client, community, owner, member):
    do_add_partner(community, owner, name="M", handle=f"@{member.handle}", user=member)
    client.force_login(owner)
    response = client.post(_partners(community), {**MEMBER_FORM, "member_handle": member.handle})
    assert response.status_code == 400
    assert f"@{member.handle} is a partner already." in response.content.decode()
    assert Partner.objects.count() == 1


@pytest.mark.parametrize("who", ["moderator", "member", "insider", "outsider", "banned"])
def test_everyone_else_gets_404_on_the_partners_list_and_its_forms(
    client, community, owner, who, request
):
    partner = do_add_partner(community, owner, name="Oscar", handle="@oscar")
    client.force_login(request.getfixturevalue(who))
    assert client.get(_partners(community)).status_code == 404
    assert (
        client.post(
            _partners(community), {"kind": "outside", "name": "X", "handle": "@xx"}
        ).status_code
        == 404
    )
    add_link = reverse(
        "insights:partner_add_link", kwargs={"slug": community.slug, "partner_id": partner.pk}
    )
    assert client.post(add_link, {"label": "mine"}).status_code == 404
    assert Partner.objects.count() == 1 and PartnerLink.objects.count() == 1
    insights = client.get(reverse("insights:page", kwargs={"slug": community.slug}))
    assert insights.status_code == 404
    csv = reverse("insights:csv", kwargs={"slug": community.slug, "name": "partners"})
    assert client.get(csv).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, community, owner, member):
    partner = do_add_partner(community, owner, name="M", handle="@m", user=member)
    for url in [_partners(community), _partner_page(partner)]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_insights_page_links_to_the_partners_list_for_those_who_manage_them(
    client, community, admin
):
    client.force_login(admin)
    html = client.get(reverse("insights:page", kwargs={"slug": community.slug})).content.decode()
    assert f'href="{_partners(community)}"' in html


@pytest.fixture
def two_partners(community, owner, member, user_factory):
    other = add_member(community, user_factory(handle="otherpartner")).user
    return (
        do_add_partner(community, owner, name="Mia", handle="@mia", user=member),
        do_add_partner(community, owner, name="Otto", handle="@otto", user=other),
    )


def test_a_partner_opens_their_own_page_and_those_who_manage_partners_any(
    client, two_partners, member, owner, admin
):
    mine, theirs = two_partners
    client.force_login(member)
    assert client.get(_partner_page(mine)).status_code == 200
    for viewer in [owner, admin]:
        client.force_login(viewer)
        assert client.get(_partner_page(theirs)).status_code == 200


@pytest.mark.parametrize("who", ["other partner", "insider", "moderator", "outsider"])
def test_a_partners_page_is_404_for_anyone_else(client, community, two_partners, who, request):
    mine, theirs = two_partners
    viewer = theirs.user if who == "other partner" else request.getfixturevalue(who)
    client.force_login(viewer)
    response = client.get(_partner_page(mine))
    assert response.status_code == 404
    assert "@mia" not in response.content.decode()


def test_a_partner_who_left_no_longer_opens_their_page(client, community, two_partners, member):
    mine, _theirs = two_partners
    community.memberships.filter(user=member).update(status="left")
    client.force_login(member)
    assert client.get(_partner_page(mine)).status_code == 404


def test_a_partner_of_another_community_is_404(client, two_partners, community_factory, owner):
    mine, _theirs = two_partners
    elsewhere = community_factory(owner=owner, slug="elsewhere")
    client.force_login(owner)
    url = reverse("insights:partner", kwargs={"slug": elsewhere.slug, "partner_id": mine.pk})
    assert client.get(url).status_code == 404


def test_the_tracked_link_counts_a_visit_once_a_session_and_opens_the_invitation(
    client, community, owner
):
    partner = do_add_partner(community, owner, name="Oscar", handle="@oscar")
    link = partner.links.get()
    response = client.get(link.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == link.invitation.get_absolute_url()
    client.get(link.get_absolute_url())
    visits = LinkVisitDay.objects.get(link=link)
    assert (visits.day, visits.visits) == (today(community), 1)
    link.refresh_from_db()
    assert link.visit_count == 1
    client.cookies.clear()
    client.get(link.get_absolute_url())
    assert LinkVisitDay.objects.get(link=link).visits == 2


def test_an_unknown_tracked_link_is_404(client, db):
    assert (
        client.get(reverse("insights:partner_link", kwargs={"ref_code": "nope"})).status_code == 404
    )
