"""Editing a partner (name and handle, or which member; their tier) and removing one (a page
that asks, then a POST): who may, what bad input says, and what removing does to their links
(revoked: nobody new joins, no visit counted) and to their page (gone)."""

import pytest
from django.urls import reverse

from communities.models import Invitation
from feeds.insights.partners.models import LinkVisitDay, Partner, PartnerLink
from feeds.insights.partners.services import do_add_link, do_add_partner, do_remove_partner
from tests.factories import add_member


def _url(name, partner):
    return reverse(
        f"insights:{name}", kwargs={"slug": partner.community.slug, "partner_id": partner.pk}
    )


def _partners(community):
    return reverse("insights:partners", kwargs={"slug": community.slug})


def _as_saved(partner):
    """What an edit or a removal could change: the row, and each link's invitation."""
    partner = Partner.objects.get(pk=partner.pk)
    links = [
        (link.invitation.tier_id, link.invitation.revoked_at)
        for link in partner.links.select_related("invitation")
    ]
    fields = ("name", "handle", "user_id", "tier_id", "removed_at")
    return tuple(getattr(partner, field) for field in fields), links


@pytest.fixture
def oscar(community, owner):
    """An outside partner with two links."""
    partner = do_add_partner(community, owner, name="Oscar", handle="@oscar.wine")
    do_add_link(partner, owner, label="newsletter")
    return partner


@pytest.fixture
def mia(community, owner, member):
    """A member partner (the `member` fixture)."""
    return do_add_partner(community, owner, name="Mia", handle=f"@{member.handle}", user=member)


@pytest.mark.parametrize("who", ["owner", "admin"])
def test_owner_and_admins_edit_an_outside_partner_and_their_links_take_the_new_tier(
    client, community, oscar, who, request
):
    client.force_login(request.getfixturevalue(who))
    page = client.get(_url("partner_edit", oscar))
    assert page.status_code == 200
    assert 'value="Oscar"' in page.text and 'value="@oscar.wine"' in page.text
    insider = community.tiers.get(name="Insider")
    response = client.post(
        _url("partner_edit", oscar),
        {"name": "Oscar Vino", "handle": "@oscar.vino", "tier": insider.pk},
    )
    assert response.status_code == 302 and response["Location"] == _partners(community)
    oscar.refresh_from_db()
    assert (oscar.name, oscar.handle, oscar.tier, oscar.user) == (
        "Oscar Vino",
        "@oscar.vino",
        insider,
        None,
    )
    assert [link.invitation.tier for link in oscar.links.all()] == [insider, insider]
    assert "Changes to Oscar Vino are saved." in client.get(_partners(community)).text
    client.post(_url("partner_edit", oscar), {"name": "Oscar Vino", "handle": "@oscar.vino"})
    assert {link.invitation.tier.rank for link in oscar.links.all()} == {0}


def test_a_revoked_link_stays_revoked_and_keeps_its_tier(client, community, owner, oscar):
    first = oscar.links.first()
    first.invitation.revoked_at = first.invitation.created_at
    first.invitation.save(update_fields=["revoked_at"])
    client.force_login(owner)
    insider = community.tiers.get(name="Insider")
    client.post(
        _url("partner_edit", oscar), {"name": "Oscar", "handle": "@oscar", "tier": insider.pk}
    )
    first.invitation.refresh_from_db()
    assert first.invitation.tier.rank == 0 and first.invitation.revoked_at is not None
    assert oscar.links.last().invitation.tier == insider


def test_a_member_partner_is_edited_by_handle_and_an_empty_name_is_the_members(
    client, community, owner, mia, user_factory
):
    other = add_member(community, user_factory(handle="otto", display_name="Otto")).user
    client.force_login(owner)
    page = client.get(_url("partner_edit", mia)).text
    assert "Member&#x27;s handle" in page and "Their handle elsewhere" not in page
    response = client.post(_url("partner_edit", mia), {"member_handle": "@Otto", "name": ""})
    assert response.status_code == 302
    mia.refresh_from_db()
    assert (mia.user, mia.handle, mia.name) == (other, "@otto", "Otto")


@pytest.mark.parametrize(
    ("partner", "data", "message"),
    [
        ("oscar", {"name": "", "handle": "@oscar.wine"}, "Give the partner&#x27;s name."),
        ("oscar", {"name": "  ", "handle": "@oscar.wine"}, "Give the partner&#x27;s name."),
        ("oscar", {"name": "Oscar", "handle": ""}, "Give the handle people know them by."),
        ("oscar", {"name": "Oscar", "handle": "@a b"}, "A handle is 2 to 60"),
        ("oscar", {"name": "Oscar", "handle": "@oscar", "tier": "999999"}, "Select a valid choice"),
        (
            "mia",
            {"member_handle": "@outsider", "name": "Mia"},
            "Nobody with the handle @outsider is a member of this community.",
        ),
        ("mia", {"member_handle": "@banned1", "name": "Mia"}, "Nobody with the handle @banned1"),
        ("mia", {"member_handle": "", "name": "Mia"}, "Give the member&#x27;s handle."),
        ("mia", {"member_handle": "@otto", "name": "Mia"}, "@otto is a partner already."),
    ],
)
def test_bad_input_says_why_and_nothing_changes(
    client, community, owner, outsider, user_factory, oscar, mia, partner, data, message
):
    add_member(community, user_factory(handle="banned1"), status="banned")
    otto = add_member(community, user_factory(handle="otto")).user
    do_add_partner(community, owner, name="Otto", handle="@otto", user=otto)
    partner = {"oscar": oscar, "mia": mia}[partner]
    before = _as_saved(partner)
    client.force_login(owner)
    response = client.post(_url("partner_edit", partner), data)
    assert response.status_code == 400
    assert message in response.text
    assert 'data-testid="partner-edit-form"' in response.text
    assert _as_saved(partner) == before


def test_the_remove_page_asks_first_and_only_its_post_removes(client, community, owner, oscar):
    client.force_login(owner)
    before = _as_saved(oscar)
    page = client.get(_url("partner_remove", oscar))
    assert page.status_code == 200
    assert "<title>Remove Oscar as a partner? · Natural Wine Club" in page.text
    assert "Their 2 tracked links stop working at once" in page.text
    assert _as_saved(oscar) == before
    assert client.put(_url("partner_remove", oscar)).status_code == 405
    assert _as_saved(oscar) == before
    response = client.post(_url("partner_remove", oscar))
    assert response.status_code == 302 and response["Location"] == _partners(community)
    listing = client.get(_partners(community)).text
    assert "Oscar is no longer a partner; their links no longer work." in listing
    assert 'data-testid="partner"' not in listing and "No partners yet." in listing


def test_a_removed_partners_links_admit_nobody_and_count_no_visits(
    client, community, owner, oscar, user_factory
):
    link = oscar.links.first()
    client.get(link.get_absolute_url())
    do_remove_partner(oscar)
    assert not Invitation.objects.filter(
        pk__in=oscar.links.values("invitation_id"), revoked_at__isnull=True
    ).exists()
    client.cookies.clear()
    response = client.get(link.get_absolute_url())
    assert response["Location"] == link.invitation.get_absolute_url()
    client.force_login(user_factory(handle="newcomer"))
    invitation_page = client.get(response["Location"])
    assert "Whoever made it has revoked it." in invitation_page.text
    assert LinkVisitDay.objects.get(link=link).visits == 1
    link.refresh_from_db()
    assert link.visit_count == 1
    assert Partner.objects.filter(pk=oscar.pk).exists()  # the history's rows stay
    assert PartnerLink.objects.filter(partner=oscar).count() == 2


def test_a_removed_partners_page_and_forms_are_gone(client, community, owner, member, mia):
    do_remove_partner(mia)
    for viewer in [owner, member]:
        client.force_login(viewer)
        assert client.get(_url("partner", mia)).status_code == 404
    client.force_login(owner)
    assert client.get(_url("partner_edit", mia)).status_code == 404
    assert client.post(_url("partner_remove", mia)).status_code == 404
    assert client.post(_url("partner_add_link", mia), {"label": "more"}).status_code == 404
    assert mia.links.count() == 1


def test_a_removed_member_can_be_made_a_partner_again(client, community, owner, member, mia):
    do_remove_partner(mia)
    client.force_login(owner)
    response = client.post(
        _partners(community),
        {"kind": "member", "member_handle": member.handle, "name": "", "handle": "", "tier": ""},
    )
    assert response.status_code == 302
    again = Partner.objects.get(community=community, user=member, removed_at__isnull=True)
    assert again.pk != mia.pk and again.links.get().invitation.revoked_at is None


def _tries(client, partner):
    """Every new view, read and written; each answer's status."""
    return [
        client.get(_url("partner_edit", partner)).status_code,
        client.post(
            _url("partner_edit", partner), {"name": "Taken", "handle": "@taken"}
        ).status_code,
        client.get(_url("partner_remove", partner)).status_code,
        client.post(_url("partner_remove", partner)).status_code,
    ]


@pytest.mark.parametrize(
    "who", ["moderator", "member", "insider", "the partner", "outsider", "banned"]
)
def test_everyone_else_gets_404_and_nothing_changes(client, oscar, mia, who, request):
    viewer = mia.user if who == "the partner" else request.getfixturevalue(who)
    client.force_login(viewer)
    for partner in [oscar, mia]:
        before = _as_saved(partner)
        assert _tries(client, partner) == [404, 404, 404, 404]
        assert _as_saved(partner) == before


def test_signed_out_visitors_are_sent_to_sign_in_and_nothing_changes(client, oscar):
    before = _as_saved(oscar)
    for status in _tries(client, oscar):
        assert status == 302
    response = client.post(_url("partner_remove", oscar))
    assert "/accounts/login/" in response["Location"]
    assert _as_saved(oscar) == before


def test_a_partner_of_another_community_is_404(client, community_factory, owner, oscar):
    elsewhere = community_factory(owner=owner, slug="elsewhere")
    client.force_login(owner)
    for name in ["partner_edit", "partner_remove"]:
        url = reverse(f"insights:{name}", kwargs={"slug": elsewhere.slug, "partner_id": oscar.pk})
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "X", "handle": "@xx"}).status_code == 404
    assert Partner.objects.get(pk=oscar.pk).removed_at is None


def test_the_list_links_each_partners_edit_and_remove_pages(client, community, owner, oscar):
    client.force_login(owner)
    listing = client.get(_partners(community)).text
    assert f'href="{_url("partner_edit", oscar)}"' in listing
    assert f'href="{_url("partner_remove", oscar)}"' in listing


def test_the_remove_page_and_the_sidebar_link_read_in_bulgarian(
    bulgarian, client, owner, member, oscar, mia
):
    bg = {"HTTP_ACCEPT_LANGUAGE": "bg"}
    client.force_login(owner)
    page = client.get(_url("partner_remove", oscar), **bg).text
    assert "Да се премахне ли Oscar като партньор?" in page  # noqa: RUF001 (Bulgarian)
    assert "Всичките им 2 проследявани линка спират да работят веднага" in page
    client.force_login(member)
    assert "Вашите партньорски числа" in client.get("/shell/sidebar/", {"c": "wine"}, **bg).text
