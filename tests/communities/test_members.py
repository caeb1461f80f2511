"""The member list and what admins do to members; every change applies on the next request."""

import pytest
from django.urls import reverse

from communities.models import Community, Membership
from tests.factories import add_member

MEMBERS = reverse("communities:members", kwargs={"slug": "wine"})


def act(client, membership, action, **data):
    """POST `action` as the member list does: removing and banning through their
    confirmation page, with a reason."""
    confirmed = action in ("remove", "ban")
    if confirmed:
        data.setdefault("reason", "Selling in the club after a warning")
    url = reverse(
        "communities:confirm_member_action" if confirmed else "communities:member_action",
        kwargs={"slug": "wine", "membership_id": membership.pk, "action": action},
    )
    return client.post(url, data, follow=True)


def membership_of(user, community):
    return Membership.objects.get(user=user, community=community)


def test_member_list_costs_the_same_queries_for_any_page_size(
    client, community, member, django_assert_num_queries
):
    for _ in range(120):
        add_member(community)
    client.force_login(member)
    counts = []
    for per_page in (20, 100):
        # session, user, community, viewer membership, count, page (with whom the viewer
        # blocked), unread notifications, unread direct messages
        with django_assert_num_queries(8) as captured:
            response = client.get(MEMBERS, {"per_page": per_page})
        counts.append(len(captured))
        assert response.content.decode().count('class="member"') == per_page
    assert counts[0] == counts[1]


def test_member_list_search_and_pages(client, community, member, user_factory):
    add_member(community, user_factory(handle="zed_synth", display_name="Zed"))
    client.force_login(member)
    page = client.get(MEMBERS, {"q": "zed"}).content.decode()
    assert "@zed_synth" in page and f"@{member.handle}" not in page
    for _ in range(25):
        add_member(community)
    second = client.get(MEMBERS, {"page": 2}).content.decode()
    assert "Page 2 of 2" in second


def test_admin_changes_role_and_tier(client, community, admin, member):
    client.force_login(admin)
    target = membership_of(member, community)
    act(client, target, "role", role="moderator")
    insider = community.tiers.get(name="Insider")
    response = act(client, target, "tier", tier=insider.pk)
    assert "is now in the Insider tier" in response.content.decode()
    target.refresh_from_db()
    assert (target.role, target.tier) == ("moderator", insider)


def test_an_admin_cannot_make_admins_but_the_owner_can(client, community, admin, owner, member):
    target = membership_of(member, community)
    client.force_login(admin)
    response = act(client, target, "role", role="admin")
    assert "You can only give roles below your own." in response.content.decode()
    client.force_login(owner)
    act(client, target, "role", role="admin")
    target.refresh_from_db()
    assert target.role == "admin"


@pytest.mark.parametrize("action", ["remove", "ban", "role", "tier"])
def test_the_owner_cannot_be_removed_banned_or_changed(client, community, owner, admin, action):
    client.force_login(admin)
    response = act(
        client,
        membership_of(owner, community),
        action,
        role="member",
        tier=community.tiers.first().pk,
    )
    assert response.status_code in (200, 403)
    owner_membership = membership_of(owner, community)
    assert owner_membership.is_active and owner_membership.role == "owner"


def test_admins_cannot_act_on_other_admins(client, community, admin):
    other = add_member(community, role="admin")
    client.force_login(admin)
    assert act(client, other, "ban").status_code == 403
    other.refresh_from_db()
    assert other.is_active


def test_removed_member_loses_access_on_the_next_request(client, community, admin, member):
    client.force_login(member)
    assert client.get("/c/wine/").status_code == 200
    client.force_login(admin)
    act(client, membership_of(member, community), "remove")
    client.force_login(member)
    assert client.get("/c/wine/").status_code == 404


def test_ban_blocks_every_way_back_and_unban_lifts_it(client, community, admin, member, owner):
    from communities.services.invitations import do_create_invitation

    client.force_login(admin)
    target = membership_of(member, community)
    act(client, target, "ban")
    banned_list = client.get(MEMBERS, {"status": "banned"}).content.decode()
    assert f"@{member.handle}" in banned_list
    invitation = do_create_invitation(community, owner, tier=community.tiers.first())
    client.force_login(member)
    assert client.get("/c/wine/").status_code == 404
    assert client.post(invitation.get_absolute_url()).status_code == 403
    client.force_login(admin)
    act(client, target, "unban")
    target.refresh_from_db()
    assert target.status == "left"
    client.force_login(member)
    client.post(invitation.get_absolute_url())
    target.refresh_from_db()
    assert target.is_active


def test_member_leaves(client, community, member):
    client.force_login(member)
    client.post(reverse("communities:leave", kwargs={"slug": "wine"}))
    assert membership_of(member, community).status == "left"
    assert client.get("/c/wine/").status_code == 404


def test_owner_cannot_leave(client, community, owner):
    client.force_login(owner)
    response = client.post(reverse("communities:leave", kwargs={"slug": "wine"}), follow=True)
    assert "transfer ownership to an admin first" in response.content.decode()
    assert membership_of(owner, community).is_active


def test_transfer_ownership_to_an_admin(client, community, owner, admin, member):
    url = reverse("communities:transfer", kwargs={"slug": "wine"})
    client.force_login(owner)
    refused = client.post(url, {"membership": membership_of(member, community).pk})
    assert refused.status_code == 400  # only admins are offered
    assert "Choose one of the community&#x27;s admins." in refused.content.decode()
    assert Community.objects.get(pk=community.pk).owner == owner
    client.post(url, {"membership": membership_of(admin, community).pk})
    community.refresh_from_db()
    assert community.owner == admin
    assert membership_of(admin, community).role == "owner"
    assert membership_of(owner, community).role == "admin"
    assert Community.objects.get(pk=community.pk).memberships.filter(role="owner").count() == 1


def test_only_the_owner_may_transfer(client, community, admin):
    client.force_login(admin)
    assert client.get(reverse("communities:transfer", kwargs={"slug": "wine"})).status_code == 403


@pytest.mark.parametrize("value", ["abc", "", "1.5", "99999999999999999999999"])
def test_a_malformed_new_owner_is_refused_and_nothing_changes(
    client, community, owner, admin, value
):
    client.force_login(owner)
    response = client.post(
        reverse("communities:transfer", kwargs={"slug": "wine"}), {"membership": value}
    )
    assert response.status_code == 400
    assert "Choose one of the community&#x27;s admins." in response.content.decode()
    community.refresh_from_db()
    assert community.owner == owner
    assert membership_of(admin, community).role == "admin"


@pytest.mark.parametrize("value", ["abc", "", "1e3", "99999999999999999999999"])
def test_a_malformed_tier_is_refused_and_nothing_changes(client, community, admin, member, value):
    client.force_login(admin)
    target = membership_of(member, community)
    before = target.tier_id
    response = act(client, target, "tier", tier=value)
    assert response.status_code == 200
    assert "Choose one of the community&#x27;s tiers." in response.content.decode()
    target.refresh_from_db()
    assert target.tier_id == before


def test_another_communitys_tier_is_refused(client, community, listed_community, admin, member):
    client.force_login(admin)
    target = membership_of(member, community)
    before = target.tier_id
    foreign = listed_community.tiers.first()
    response = act(client, target, "tier", tier=foreign.pk)
    assert "Choose one of the community&#x27;s tiers." in response.content.decode()
    target.refresh_from_db()
    assert target.tier_id == before
