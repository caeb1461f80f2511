"""Emailed invitations belong to the address they were sent to; shareable links do not.

Sign-up through an emailed invitation starts with that address and accepts no other; a
signed-in person can accept one only with that address among their verified addresses.
"""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from communities.models import Membership
from communities.services.invitations import (
    InvitationRefused,
    do_create_invitation,
    do_redeem_invitation,
)
from sosoon_site.accounts.models import User
from tests.communities.test_invitations import signup_data as invite_only_signup_data

INVITED = "invited@example.test"


@pytest.fixture
def emailed(community, owner):
    return do_create_invitation(
        community, owner, tier=community.tiers.get(name="Insider"), email=INVITED, max_uses=1
    )


@pytest.fixture
def shareable(community, owner):
    return do_create_invitation(community, owner, tier=community.tiers.get(name="Insider"))


def invite_url(invitation):
    return reverse("communities:invitation", kwargs={"token": invitation.token})


def signup_data(email=INVITED, handle="newcomer"):
    return invite_only_signup_data(email=email, handle=handle)


def email_field(page: str) -> str:
    start = page.index('name="email"')
    return page[page.rindex("<input", 0, start) : page.index(">", start)]


def test_the_invitation_page_says_which_address_it_is_for(client, emailed):
    page = client.get(invite_url(emailed)).content.decode()
    assert f"This invitation was sent to <strong>{INVITED}</strong>" in page


def test_the_sign_up_form_starts_with_the_invited_address(client, emailed):
    client.get(invite_url(emailed))
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert f'value="{INVITED}"' in email_field(response.content.decode())


def test_a_shareable_link_leaves_the_address_empty(client, shareable):
    client.get(invite_url(shareable))
    page = client.get(reverse("account_signup")).content.decode()
    assert "value=" not in email_field(page)


def test_signing_up_with_the_invited_address_joins_verified(client, emailed, community):
    client.get(invite_url(emailed))
    response = client.post(
        reverse("account_signup") + "?next=/c/wine/",
        signup_data(email="Invited@Example.test"),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/c/wine/"
    assert "Welcome to Natural Wine Club!" in response.content.decode()
    newcomer = Membership.objects.get(community=community, user__handle="newcomer")
    assert newcomer.joined_via_invitation == emailed
    assert EmailAddress.objects.get(email__iexact=INVITED).verified


def test_signing_up_with_another_address_is_refused_and_nothing_is_saved(
    client, emailed, community
):
    client.get(invite_url(emailed))
    response = client.post(reverse("account_signup"), signup_data(email="other@example.test"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"This invitation was sent to {INVITED}, so it can only make an account" in page
    assert "no account was made" in page
    assert not User.objects.filter(handle="newcomer").exists()
    assert not EmailAddress.objects.filter(email="other@example.test").exists()
    emailed.refresh_from_db()
    assert emailed.use_count == 0
    # The invitation is still theirs: signing up again with the right address works.
    client.post(reverse("account_signup"), signup_data())
    assert Membership.objects.filter(community=community, user__handle="newcomer").exists()


def test_a_shareable_link_lets_anyone_sign_up_with_any_address(client, shareable, community):
    client.get(invite_url(shareable))
    client.post(reverse("account_signup"), signup_data(email="whoever@example.test"))
    assert Membership.objects.filter(
        community=community, user__email="whoever@example.test"
    ).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_signed_in_person_with_another_address_cannot_accept(
    client, emailed, outsider, community, method
):
    client.force_login(outsider)
    response = getattr(client, method)(invite_url(emailed))
    assert response.status_code == 403
    page = response.content.decode()
    assert "<title>This invitation is for someone else · Sosoon</title>" in page
    assert f"It was sent to {INVITED}" in page
    assert not Membership.objects.filter(user=outsider, community=community).exists()
    emailed.refresh_from_db()
    assert emailed.use_count == 0


def test_signing_in_with_another_address_from_the_invitation_does_not_join(
    client, emailed, outsider, password, community
):
    client.get(invite_url(emailed))
    response = client.post(
        reverse("account_login") + "?next=" + invite_url(emailed),
        {"login": outsider.email, "password": password},
        follow=True,
    )
    assert response.status_code == 403
    assert "This invitation is for someone else" in response.content.decode()
    assert not Membership.objects.filter(user=outsider, community=community).exists()


def test_a_person_whose_verified_second_address_was_invited_joins(
    client, emailed, outsider, community
):
    EmailAddress.objects.create(user=outsider, email=INVITED, verified=True, primary=False)
    client.force_login(outsider)
    response = client.post(invite_url(emailed), follow=True)
    assert response.redirect_chain[-1][0] == "/c/wine/"
    assert community.memberships.get(user=outsider).joined_via_invitation == emailed


def test_an_unverified_copy_of_the_invited_address_is_not_enough(
    client, emailed, outsider, community
):
    EmailAddress.objects.create(user=outsider, email=INVITED, verified=False, primary=False)
    client.force_login(outsider)
    assert client.post(invite_url(emailed)).status_code == 403
    assert not Membership.objects.filter(user=outsider, community=community).exists()


def test_redeeming_directly_refuses_another_address(emailed, outsider):
    with pytest.raises(InvitationRefused) as refused:
        do_redeem_invitation(outsider, emailed)
    assert refused.value.reason == InvitationRefused.OTHER_ADDRESS
    emailed.refresh_from_db()
    assert emailed.use_count == 0


def test_a_shareable_link_is_accepted_by_any_signed_in_person(client, shareable, outsider):
    client.force_login(outsider)
    client.post(invite_url(shareable))
    assert Membership.objects.filter(user=outsider, community=shareable.community).exists()


# The invitations page: copy buttons beside the links.


def test_each_usable_link_has_a_copy_button_that_waits_for_javascript(
    client, owner, shareable, community
):
    revoked = do_create_invitation(community, owner, tier=shareable.tier)
    client.force_login(owner)
    client.post(
        reverse(
            "communities:revoke_invitation", kwargs={"slug": "wine", "invitation_id": revoked.pk}
        )
    )
    page = client.get(reverse("communities:invitations", kwargs={"slug": "wine"})).content.decode()
    assert page.count('data-testid="copy-link"') == 1
    button = page[page.index('<button type="button" class="button button--quiet copy-button"') :]
    button = button[: button.index("</button>")]
    assert f'data-copy="invitation-link-{shareable.pk}"' in button and " hidden" in button
    assert f'id="invitation-link-{shareable.pk}" readonly' in page
    assert "/static/js/copy.js" in page and "<script>" not in page


def test_the_copy_script_is_served(client, db):
    response = client.get("/static/js/copy.js")
    assert response.status_code == 200
    assert "navigator.clipboard" in b"".join(response.streaming_content).decode()
