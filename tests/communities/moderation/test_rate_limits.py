"""Rate limits on reporting, inviting and join requests: a friendly 429 page that says when
to try again, and (on Redis) one bucket shared by every process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from communities.moderation.services.reports import REPORT_RATE
from communities.services.join_requests import JOIN_REQUEST_RATE
from tests.factories import add_member

pytestmark = pytest.mark.django_db


def test_reporting_too_fast_gets_a_429_page_that_says_when_to_try_again(
    client, community, member, make_note
):
    author = add_member(community).user
    notes = [make_note(author, community, f"Note {n}") for n in range(REPORT_RATE.capacity + 1)]
    client.force_login(member)
    for note in notes[:-1]:
        assert client.post(f"/report/note/{note.pk}/", {"reason": "spam"}).status_code == 302

    refused = client.post(f"/report/note/{notes[-1].pk}/", {"reason": "spam"})

    assert refused.status_code == 429
    body = refused.content.decode()
    assert "<title>Slow down · Sosoon</title>" in body
    assert "try again in" in body
    assert int(refused["Retry-After"]) >= 1


def test_join_requests_are_limited_per_person(client, user_factory, community_factory):
    person = user_factory()
    client.force_login(person)
    communities = [
        community_factory(discoverability="listed") for _ in range(JOIN_REQUEST_RATE.capacity + 1)
    ]
    for community in communities[:-1]:
        client.post(f"/c/{community.slug}/join/", {"message": ""})
    assert client.post(f"/c/{communities[-1].slug}/join/", {"message": ""}).status_code == 429


def test_inviting_is_limited_per_person(client, owner, community):
    client.force_login(owner)
    base = community.tiers.get(rank=0).pk
    statuses = [
        client.post("/c/wine/invitations/", {"link-role": "member", "link-tier": base}).status_code
        for _ in range(31)
    ]
    assert statuses[:30] == [302] * 30
    assert statuses[-1] == 429


SPEND_IN_ANOTHER_PROCESS = """
import django
django.setup()
from communities.moderation.services.reports import REPORT_RATE
taken = [REPORT_RATE.take(4242).allowed for _ in range(REPORT_RATE.capacity)]
assert all(taken), taken
"""


@pytest.mark.redis
def test_the_report_limit_is_shared_across_processes():
    """Another process spends the whole bucket; this one is then refused."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    subprocess.run(
        [sys.executable, "-c", SPEND_IN_ANOTHER_PROCESS],
        env=env,
        cwd=Path(settings.BASE_DIR),
        check=True,
        timeout=60,
    )
    decision = REPORT_RATE.take(4242)
    assert not decision.allowed
    assert decision.retry_after > 0
