"""Concurrent redemptions never exceed max_uses or the member cap (real threads, PostgreSQL)."""

import threading

import pytest
from django.db import connection

from communities.models import Membership
from communities.services.invitations import (
    InvitationRefused,
    do_create_invitation,
    do_redeem_invitation,
)
from tests.factories import UserFactory, create_community

PEOPLE = 12


def redeem_all_at_once(invitation, people) -> list[str]:
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []

    def redeem(person):
        try:
            barrier.wait()
            do_redeem_invitation(person, invitation)
            outcomes.append("joined")
        except InvitationRefused as refused:
            outcomes.append(refused.reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=redeem, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_max_uses_is_never_exceeded_under_concurrent_redemption():
    community = create_community()
    invitation = do_create_invitation(
        community, community.owner, tier=community.tiers.first(), max_uses=3
    )
    people = [UserFactory() for _ in range(PEOPLE)]
    outcomes = redeem_all_at_once(invitation, people)
    invitation.refresh_from_db()
    assert outcomes.count("joined") == 3 == invitation.use_count
    assert outcomes.count("used_up") == PEOPLE - 3
    assert Membership.objects.filter(community=community, role="member").count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_member_cap_is_never_exceeded_under_concurrent_redemption():
    community = create_community(member_cap=4)  # the owner plus three
    invitation = do_create_invitation(community, community.owner, tier=community.tiers.first())
    people = [UserFactory() for _ in range(PEOPLE)]
    outcomes = redeem_all_at_once(invitation, people)
    assert outcomes.count("joined") == 3
    assert outcomes.count("full") == PEOPLE - 3
    assert community.memberships.filter(status="active").count() == 4
