"""Names that reach an email header are one plain line; a name stored before the rule makes
an email invitation refuse cleanly instead of failing half-way."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from communities.models import Community, Invitation, InvitationBatch

HOSTILE_NAMES = [
    "Synth\nBcc: victim@example.test",
    "Synth\rBcc: victim@example.test",
    "Synth\tClub",
    "Synth\x1bClub",  # ESC
    "Synth\x85Club",  # NEL
    "Synth\u2028Bcc: victim@example.test",  # line separator
]
EMAIL_INVITATIONS = reverse("communities:email_invitations", kwargs={"slug": "wine"})
REFUSED = "A community&#x27;s name must be one line without control characters"


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_new_community_name_with_a_line_break_is_refused(client, community, outsider, name):
    client.force_login(outsider)
    response = client.post(
        reverse("communities:create"), {"name": name, "slug": "synth", "discoverability": "listed"}
    )
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not Community.objects.filter(slug="synth").exists()


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_renaming_a_community_with_a_line_break_is_refused(client, community, owner, name):
    client.force_login(owner)
    response = client.post(
        reverse("communities:settings", kwargs={"slug": "wine"}),
        {"name": name, "discoverability": "unlisted"},
    )
    assert REFUSED in response.content.decode()
    community.refresh_from_db()
    assert community.name == "Natural Wine Club"


def test_a_name_with_ordinary_punctuation_and_accents_is_kept(client, community, owner):
    client.force_login(owner)
    client.post(
        reverse("communities:settings", kwargs={"slug": "wine"}),
        {"name": "Vins naturels — Île-de-France 🍷", "discoverability": "unlisted"},
    )
    community.refresh_from_db()
    assert community.name == "Vins naturels — Île-de-France 🍷"


@pytest.fixture
def stored_before_the_rule(community):
    """A name saved before names had to be one line (the rule lives in the forms)."""
    Community.objects.filter(pk=community.pk).update(name="Synth\nBcc: victim@example.test")
    return community


def test_an_email_invitation_for_a_stored_unsafe_name_is_refused_and_saves_nothing(
    client, stored_before_the_rule, owner, mailoutbox
):
    client.force_login(owner)
    tier = stored_before_the_rule.tiers.get(name="Insider")
    response = client.post(
        EMAIL_INVITATIONS, {"role": "member", "tier": tier.pk, "email": "friend@example.test"}
    )
    assert response.status_code == 200
    assert "cannot go into an email&#x27;s subject" in response.content.decode()
    assert not Invitation.objects.exists()
    assert not mailoutbox


def test_a_batch_for_a_stored_unsafe_name_is_refused_and_saves_nothing(
    client, stored_before_the_rule, owner, mailoutbox
):
    client.force_login(owner)
    tier = stored_before_the_rule.tiers.get(name="Insider")
    response = client.post(
        EMAIL_INVITATIONS,
        {"role": "member", "tier": tier.pk, "addresses": "a@example.test\nb@example.test"},
    )
    assert response.status_code == 200
    assert "cannot go into an email&#x27;s subject" in response.content.decode()
    assert not InvitationBatch.objects.exists() and not Invitation.objects.exists()
    assert not mailoutbox


def test_the_admin_refuses_a_community_name_or_display_name_with_a_line_break(
    admin_client, community
):
    from django.contrib import admin

    from sosoon_site.accounts.models import User

    request = admin_client.get(reverse("admin:index")).wsgi_request
    for model, obj, field, message in [
        (Community, community, "name", "A community's name must be one line"),
        (User, community.owner, "display_name", "A display name must be one line"),
    ]:
        form_class = admin.site._registry[model].get_form(request, obj)
        with pytest.raises(ValidationError, match=message):
            form_class.base_fields[field].clean("Synth\nBcc: victim@example.test")
