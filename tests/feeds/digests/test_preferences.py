"""The email digests page: a member chooses daily, weekly or off for each community they are
in; a bad choice is refused with a message and nothing saved; signed out, it asks to sign in."""

import pytest
from django.urls import reverse

from feeds.digests.models import DigestPreference, Frequency

URL = reverse("digests:preferences")


@pytest.mark.django_db
def test_a_member_sees_weekly_by_default_and_chooses_daily(client, community, member):
    client.force_login(member)

    page = client.get(URL).content.decode()
    assert "Natural Wine Club" in page
    assert '<option value="weekly" selected>' in page

    field = f"community_{community.pk}"
    response = client.post(URL, {field: "daily"}, follow=True)

    assert "Your email digest choices are saved." in response.content.decode()
    assert DigestPreference.objects.get(user=member, community=community).frequency == (
        Frequency.DAILY
    )


@pytest.mark.django_db
def test_off_is_a_choice(client, community, member):
    client.force_login(member)

    client.post(URL, {f"community_{community.pk}": "off"})

    assert DigestPreference.objects.get(user=member).frequency == Frequency.OFF


@pytest.mark.django_db
def test_a_bad_choice_is_refused_and_nothing_is_saved(client, community, member):
    client.force_login(member)

    response = client.post(URL, {f"community_{community.pk}": "hourly"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not DigestPreference.objects.exists()


@pytest.mark.django_db
def test_only_the_members_own_communities_are_offered(
    client, community, community_factory, member, banned
):
    elsewhere = community_factory(name="Synth Club", slug="synth-club")
    client.force_login(banned)

    page = client.get(URL).content.decode()
    response = client.post(
        URL, {f"community_{community.pk}": "daily", f"community_{elsewhere.pk}": "daily"}
    )

    assert "Natural Wine Club" not in page and "Synth Club" not in page
    assert "You are not a member of any community yet." in page
    assert response.status_code == 302
    assert not DigestPreference.objects.exists()


@pytest.mark.django_db
def test_signed_out_visitors_are_asked_to_sign_in(client, community, member):
    response = client.post(URL, {f"community_{community.pk}": "off"})

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not DigestPreference.objects.exists()


@pytest.mark.django_db
def test_the_page_is_reached_from_the_account_settings(client, member, community):
    client.force_login(member)

    page = client.get(reverse("profile")).content.decode()

    assert f'href="{URL}"' in page
