"""The unsubscribe link: RFC 8058's one-click POST turns the digest off without a session or
a confirmation step; a GET (a person, or a link scanner) only shows a page with the button;
a token that was not signed by the site is a 404 and changes nothing."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from feeds.digests.models import DigestPreference, Frequency
from feeds.digests.services import due_digests
from feeds.digests.tokens import unsubscribe_token
from tests.feeds.digests.conftest import LAST_WEEK, NOW, send

ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture
def mail_client():
    """A mail provider's client: no session, no CSRF token, CSRF checks enforced."""
    return Client(enforce_csrf_checks=True)


def link(member, community) -> str:
    return reverse("digests:unsubscribe", args=[unsubscribe_token(member.pk, community.pk)])


def frequency(member, community) -> str | None:
    row = DigestPreference.objects.filter(user=member, community=community).first()
    return row.frequency if row else None


@pytest.mark.django_db
def test_one_click_post_unsubscribes_without_a_session(mail_client, community, member):
    response = mail_client.post(
        link(member, community), ONE_CLICK, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert frequency(member, community) == Frequency.OFF


@pytest.mark.django_db
def test_get_shows_a_button_and_changes_nothing(mail_client, community, member):
    response = mail_client.get(link(member, community))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Unsubscribe from Natural Wine Club digests?" in page
    assert '<form method="post"' in page and ">Unsubscribe</button>" in page
    assert frequency(member, community) is None


@pytest.mark.django_db
def test_the_button_unsubscribes(mail_client, community, member):
    response = mail_client.post(link(member, community), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert frequency(member, community) == Frequency.OFF


@pytest.mark.django_db
def test_unsubscribing_from_one_community_leaves_the_others(
    mail_client, community, community_factory, member
):
    from tests.factories import add_member

    other = community_factory(name="Synth Club", slug="synth-club")
    add_member(other, member)

    mail_client.post(
        link(member, community), ONE_CLICK, content_type="application/x-www-form-urlencoded"
    )

    assert frequency(member, community) == Frequency.OFF
    assert frequency(member, other) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.replace(token.split(":")[0], "WzEsMV0"),
        lambda token: "not-a-token",
    ],
    ids=["signature", "payload", "garbage"],
)
def test_a_tampered_token_is_a_404_and_changes_nothing(mail_client, community, member, tamper):
    token = tamper(unsubscribe_token(member.pk, community.pk))
    url = reverse("digests:unsubscribe", args=[token])

    assert mail_client.get(url).status_code == 404
    response = mail_client.post(url, ONE_CLICK, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 404
    assert DigestPreference.objects.count() == 0


@pytest.mark.django_db
def test_a_signed_token_for_a_community_that_does_not_exist_is_a_404(mail_client, member):
    url = reverse("digests:unsubscribe", args=[unsubscribe_token(member.pk, 999_999)])

    response = mail_client.post(url, ONE_CLICK, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 404
    assert DigestPreference.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_link_in_a_digest_stops_the_next_one(mail_client, smtp, written_at, community, member):
    written_at(LAST_WEEK, body="The March tasting notes are up")
    send(due_digests(NOW))
    (received,) = smtp.to(member.email)
    (url,) = re.findall(r"<https://sosoon\.test([^>]+)>", received.message["List-Unsubscribe"])

    mail_client.post(url, ONE_CLICK, content_type="application/x-www-form-urlencoded")
    written_at(NOW, body="Next week's news")
    send(due_digests(NOW.replace(day=11)))

    assert len(smtp.to(member.email)) == 1
