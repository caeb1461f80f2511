"""Invitation links: creating, listing, revoking, and every way redeeming one can go."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from communities.models import Invitation, Membership
from communities.services.invitations import do_create_invitation
from tests.factories import add_member


@pytest.fixture
def invitation(community, owner):
    return do_create_invitation(community, owner, tier=community.tiers.get(name="Insider"))


def invite_url(invitation):
    return reverse("communities:invitation", kwargs={"token": invitation.token})


def test_tokens_are_long_and_unguessable(invitation, community, owner):
    other = do_create_invitation(community, owner, tier=invitation.tier)
    assert len(invitation.token) >= 32 and invitation.token != other.token


def test_owner_creates_a_link_and_sees_it_listed(client, community, owner):
    client.force_login(owner)
    url = reverse("communities:invitations", kwargs={"slug": "wine"})
    tier = community.tiers.get(name="Insider")
    response = client.post(
        url, {"link-role": "member", "link-tier": tier.pk, "link-max_uses": "5"}, follow=True
    )
    invitation = Invitation.objects.get(community=community)
    assert (invitation.max_uses, invitation.tier, invitation.created_by) == (5, tier, owner)
    assert invitation.token in response.content.decode()
    assert "used 0 of 5" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("max_uses", "-1", "Maximum uses must be at least 1"),
        ("max_uses", "0", "Maximum uses must be at least 1"),
        ("expires_at", "2001-01-01T10:00", "The expiry must be in the future."),
        ("role", "owner", "Select a valid choice"),
    ],
)
def test_bad_link_terms_are_refused_and_nothing_is_saved(
    client, community, owner, field, value, message
):
    client.force_login(owner)
    data = {"link-role": "member", "link-tier": community.tiers.first().pk, f"link-{field}": value}
    response = client.post(reverse("communities:invitations", kwargs={"slug": "wine"}), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_moderator_may_only_invite_plain_members(client, community, moderator):
    client.force_login(moderator)
    data = {"link-role": "moderator", "link-tier": community.tiers.first().pk}
    response = client.post(reverse("communities:invitations", kwargs={"slug": "wine"}), data)
    assert "Select a valid choice" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_plain_member_cannot_manage_invitations(client, member):
    client.force_login(member)
    assert (
        client.get(reverse("communities:invitations", kwargs={"slug": "wine"})).status_code == 403
    )


def test_revoking_a_link(client, owner, invitation, outsider):
    client.force_login(owner)
    url = reverse(
        "communities:revoke_invitation", kwargs={"slug": "wine", "invitation_id": invitation.pk}
    )
    client.post(url)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    client.force_login(outsider)
    response = client.get(invite_url(invitation))
    assert response.status_code == 410
    assert "This invitation was withdrawn" in response.content.decode()


def test_a_valid_invitation_previews_an_unlisted_community(client, invitation, community):
    community.description = "Low-intervention wines."
    community.save()
    response = client.get(invite_url(invitation))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Natural Wine Club" in page and "Low-intervention wines." in page
    assert "Create an account and join" in page


@pytest.mark.parametrize(
    "path",
    [
        "/invite/short/",
        "/invite/" + "x" * 33 + "/",
        "/invite/" + "!" * 32 + "/",
        "/invite/" + "A" * 32 + "/",  # right shape, unknown
    ],
)
def test_wrong_or_unknown_tokens_are_a_plain_404(client, invitation, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Natural Wine Club" not in response.content.decode()


def test_signed_in_person_joins_in_one_click(client, outsider, invitation, community):
    client.force_login(outsider)
    response = client.post(invite_url(invitation), follow=True)
    membership = Membership.objects.get(user=outsider, community=community)
    assert (membership.role, membership.tier.name, membership.status) == (
        "member",
        "Insider",
        "active",
    )
    assert membership.joined_via_invitation == invitation
    assert response.redirect_chain[-1][0] == "/c/wine/"
    assert "Welcome to Natural Wine Club!" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.use_count == 1


def test_a_left_member_can_rejoin_through_a_new_invitation(client, member, invitation, community):
    community.memberships.filter(user=member).update(status="left")
    client.force_login(member)
    client.post(invite_url(invitation))
    assert community.memberships.get(user=member).status == "active"


@pytest.mark.parametrize(
    ("setup", "status", "title"),
    [
        ("expired", 410, "This invitation has expired"),
        ("used_up", 410, "This invitation has been used up"),
        ("revoked", 410, "This invitation was withdrawn"),
        ("banned", 403, "You cannot join this community"),
        ("full", 409, "This community is full"),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_unusable_invitations_get_a_clear_page(
    client, community, invitation, user_factory, setup, status, title, method
):
    person = user_factory()
    if setup == "expired":
        invitation.expires_at = timezone.now() - timedelta(minutes=1)
    elif setup == "used_up":
        invitation.max_uses, invitation.use_count = 2, 2
    elif setup == "revoked":
        invitation.revoked_at = timezone.now()
    elif setup == "banned":
        add_member(community, person, status="banned")
    elif setup == "full":
        community.member_cap = 1
        community.save()
    invitation.save()
    client.force_login(person)
    response = getattr(client, method)(invite_url(invitation))
    assert response.status_code == status
    page = response.content.decode()
    assert f"<title>{title} · Sosoon</title>" in page
    assert "Traceback" not in page and "Natural Wine Club" not in page
    assert not community.memberships.filter(user=person, status="active").exists()


def test_an_existing_member_is_sent_to_the_community(client, member, invitation):
    client.force_login(member)
    response = client.get(invite_url(invitation), follow=True)
    assert response.redirect_chain[-1][0] == "/c/wine/"
    assert "You are already a member of Natural Wine Club." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.use_count == 0


# Sign-up is invite-only.


def signup_data(email="newcomer@example.test", handle="newcomer"):
    return {
        "email": email,
        "password1": "a long pass phrase 42",
        "password2": "a long pass phrase 42",
        "handle": handle,
        "display_name": "New Comer",
    }


def test_sign_up_is_closed_without_an_invitation(client, db):
    response = client.get(reverse("account_signup"))
    assert "Sign Up Closed" in response.content.decode() or response.status_code != 200
    client.post(reverse("account_signup"), signup_data())
    assert not EmailAddress.objects.filter(email="newcomer@example.test").exists()


@pytest.mark.parametrize("setup", ["expired", "revoked", "used_up"])
def test_sign_up_closes_when_the_held_invitation_stops_being_valid(client, invitation, setup):
    client.get(invite_url(invitation))
    if setup == "expired":
        invitation.expires_at = timezone.now() - timedelta(seconds=1)
    elif setup == "revoked":
        invitation.revoked_at = timezone.now()
    else:
        invitation.max_uses, invitation.use_count = 1, 1
    invitation.save()
    client.post(reverse("account_signup"), signup_data())
    assert not EmailAddress.objects.filter(email="newcomer@example.test").exists()


def test_visitor_opens_the_link_signs_up_and_lands_in_the_community(client, invitation, community):
    page = client.get(invite_url(invitation)).content.decode()
    signup_url = reverse("account_signup") + "?next=%2Fc%2Fwine%2F"
    assert signup_url.replace("&", "&amp;") in page
    response = client.post(signup_url, signup_data(), follow=True)
    assert response.redirect_chain[-1][0] == "/c/wine/"
    page = response.content.decode()
    assert "Welcome to Natural Wine Club!" in page
    assert "Your role here: <strong>Member</strong>, in the <strong>Insider</strong> tier." in page
    newcomer = Membership.objects.get(community=community, user__handle="newcomer")
    assert newcomer.joined_via_invitation == invitation


def test_signing_in_from_the_invitation_page_joins(client, invitation, outsider, password):
    client.get(invite_url(invitation))
    response = client.post(
        reverse("account_login") + "?next=" + invite_url(invitation),
        {"login": outsider.email, "password": password},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/c/wine/"
    assert Membership.objects.filter(user=outsider, community=invitation.community).exists()


def test_mandatory_verification_trusts_the_invited_address(client, settings, community, owner):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    invitation = do_create_invitation(
        community, owner, tier=community.tiers.first(), email="newcomer@example.test", max_uses=1
    )
    client.get(invite_url(invitation))
    response = client.post(reverse("account_signup") + "?next=/c/wine/", signup_data(), follow=True)
    assert response.redirect_chain[-1][0] == "/c/wine/"
    assert EmailAddress.objects.get(email="newcomer@example.test").verified


def test_mandatory_verification_keeps_the_invitation_until_verified(
    client, settings, invitation, community, mailoutbox
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    client.get(invite_url(invitation))
    response = client.post(reverse("account_signup") + "?next=/c/wine/", signup_data(), follow=True)
    assert "/c/wine/" not in response.redirect_chain[-1][0]  # told to verify first
    assert not EmailAddress.objects.get(email="newcomer@example.test").verified
    # The place in the community is kept for them, whichever browser they verify in.
    assert Membership.objects.filter(community=community, user__handle="newcomer").exists()
    assert len(mailoutbox) == 1
