"""Removing and banning from the member list: a confirmation page asks why, and the reason is
logged and sent to the person as the moderation queue's actions are. Nobody without the
right changes anything, and no ban happens without a reason."""

import pytest
from django.urls import reverse

from communities.models import Membership, Notification
from communities.moderation.models import ActionKind, ModerationAction
from tests.factories import add_member, create_community

MEMBERS = reverse("communities:members", kwargs={"slug": "wine"})
REASON = "Selling wine in the club after two warnings"


def confirm_url(membership, action: str, slug: str = "wine") -> str:
    return reverse(
        "communities:confirm_member_action",
        kwargs={"slug": slug, "membership_id": membership.pk, "action": action},
    )


@pytest.fixture
def target(community, member):
    return Membership.objects.get(user=member, community=community)


def test_the_member_list_links_to_a_confirmation_not_a_one_click_ban(client, admin, target):
    client.force_login(admin)

    page = client.get(MEMBERS).content.decode()

    assert f'href="{confirm_url(target, "ban")}"' in page
    assert f'href="{confirm_url(target, "remove")}"' in page
    assert "/ban/" not in page.replace(confirm_url(target, "ban"), "")


@pytest.mark.parametrize(("action", "question"), [("ban", "Ban"), ("remove", "Remove")])
def test_the_confirmation_page_names_who_and_asks_why(
    client, admin, member, target, action, question
):
    client.force_login(admin)

    page = client.get(confirm_url(target, action)).content.decode()

    assert f"<h1>{question} {member.name} from Natural Wine Club?</h1>" in page
    assert 'name="reason"' in page and "required" in page
    assert f'href="{MEMBERS}">Cancel</a>' in page
    assert f"<title>{question} {member.name} from Natural Wine Club? · Sosoon</title>" in page


@pytest.mark.parametrize("reason", ["", "   "])
@pytest.mark.parametrize("action", ["ban", "remove"])
def test_without_a_reason_nothing_happens(client, admin, target, action, reason):
    client.force_login(admin)

    response = client.post(confirm_url(target, action), {"reason": reason})

    assert response.status_code == 200
    assert "Give a reason; the person affected will read it." in response.text
    target.refresh_from_db()
    assert target.is_active
    assert not ModerationAction.objects.exists()


def test_a_ban_with_a_reason_is_logged_and_told(client, admin, member, target):
    client.force_login(admin)

    response = client.post(confirm_url(target, "ban"), {"reason": REASON}, follow=True)

    assert response.redirect_chain == [(MEMBERS, 302)]
    assert f"{member.name} is banned and cannot rejoin." in response.text
    target.refresh_from_db()
    assert target.is_banned
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.reason, entry.actor, entry.subject) == (
        ActionKind.BAN,
        REASON,
        admin,
        member,
    )
    assert Notification.objects.filter(recipient=member, target_id=entry.pk).exists()
    queue = client.get(reverse("communities:moderation", kwargs={"slug": "wine"})).text
    assert "Banned a member" in queue and REASON in queue


def test_a_removal_with_a_reason_is_logged(client, owner, member, target):
    client.force_login(owner)

    response = client.post(confirm_url(target, "remove"), {"reason": REASON}, follow=True)

    assert f"{member.name} was removed." in response.text
    target.refresh_from_db()
    assert target.status == "left"
    assert ModerationAction.objects.get().action == ActionKind.REMOVE


@pytest.mark.parametrize(("viewer", "status"), [("moderator", 403), ("insider", 403)])
@pytest.mark.parametrize("method", ["get", "post"])
def test_people_who_may_not_manage_members_change_nothing(
    request, client, target, viewer, status, method
):
    client.force_login(request.getfixturevalue(viewer))

    response = getattr(client, method)(confirm_url(target, "ban"), {"reason": REASON})

    assert response.status_code == status
    target.refresh_from_db()
    assert target.is_active and not ModerationAction.objects.exists()


def test_outsiders_and_other_communities_get_a_404(client, outsider, user_factory, target):
    client.force_login(outsider)
    assert client.post(confirm_url(target, "ban"), {"reason": REASON}).status_code == 404

    # An admin of another community cannot reach this membership through their own.
    other_owner = user_factory(handle="other_owner")
    create_community(owner=other_owner, name="Synths", slug="synths")
    client.force_login(other_owner)
    response = client.post(confirm_url(target, "ban", slug="synths"), {"reason": REASON})
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.is_active and not ModerationAction.objects.exists()


def test_admins_cannot_ban_other_admins_or_the_owner(client, community, admin, owner):
    other_admin = add_member(community, role="admin")
    owner_membership = Membership.objects.get(user=owner, community=community)
    client.force_login(admin)

    assert client.post(confirm_url(other_admin, "ban"), {"reason": REASON}).status_code == 403
    refused = client.post(confirm_url(owner_membership, "ban"), {"reason": REASON})
    assert "The owner cannot be warned, muted, removed or banned." in refused.text
    assert not ModerationAction.objects.exists()


def test_the_old_one_click_ban_is_gone(client, admin, target):
    client.force_login(admin)
    url = reverse(
        "communities:member_action",
        kwargs={"slug": "wine", "membership_id": target.pk, "action": "ban"},
    )

    assert client.post(url).status_code == 404
    target.refresh_from_db()
    assert target.is_active


def test_an_unknown_action_is_a_404(client, admin, target):
    client.force_login(admin)

    assert client.get(confirm_url(target, "delete")).status_code == 404
