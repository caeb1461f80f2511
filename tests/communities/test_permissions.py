"""The permission table, checked for every kind of viewer against every action."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from communities.permissions import PERMISSIONS, Action, access_community, may, require

VIEWERS = ["owner", "admin", "moderator", "member", "insider", "outsider", "banned", "anonymous"]
ROLE_OF = {
    "owner": "owner",
    "admin": "admin",
    "moderator": "moderator",
    "member": "member",
    "insider": "member",
}
EXPECTED_YES = {
    Action.VIEW: {"owner", "admin", "moderator", "member", "insider"},
    Action.INVITE: {"owner", "admin", "moderator"},
    Action.APPROVE_REQUESTS: {"owner", "admin"},
    Action.MANAGE_MEMBERS: {"owner", "admin"},
    Action.MANAGE_TIERS: {"owner", "admin"},
    Action.MANAGE_ROOMS: {"owner", "admin"},
    Action.MANAGE_CROSSPOSTS: {"owner", "admin"},
    Action.MODERATE: {"owner", "admin", "moderator"},
    # Moderators judge tier content once it is reported or withheld, not by their role.
    Action.SEE_EVERY_TIER: {"owner", "admin"},
    Action.EDIT_SETTINGS: {"owner", "admin"},
    Action.VIEW_INSIGHTS: {"owner", "admin"},
    Action.MANAGE_PARTNERS: {"owner", "admin"},
    Action.TRANSFER_OWNERSHIP: {"owner"},
    Action.DELETE_COMMUNITY: {"owner"},
}


def request_as(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_expectations_cover_the_whole_table():
    assert set(EXPECTED_YES) == set(Action) == set(PERMISSIONS)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_permission_matrix(request, community, viewer, action):
    user = request.getfixturevalue(viewer)
    allowed = viewer in EXPECTED_YES[action]
    assert may(request_as(user), community, action) is allowed
    if allowed:
        assert require(request_as(user), community, action).user == user
    else:
        # Unlisted: outsiders cannot even learn it exists; members get a plain "not allowed".
        error = PermissionDenied if viewer in ROLE_OF else Http404
        with pytest.raises(error):
            require(request_as(user), community, action)


@pytest.mark.parametrize("viewer", ["outsider", "banned", "anonymous"])
def test_outsiders_see_a_listed_community_but_may_do_nothing(
    request, listed_community, viewer, community
):
    user = request.getfixturevalue(viewer)
    if viewer == "banned":
        from tests.factories import add_member

        add_member(listed_community, user, status="banned")
    assert access_community(request_as(user), "synth") == listed_community
    for action in Action:
        assert not may(request_as(user), listed_community, action)
        with pytest.raises(PermissionDenied):
            require(request_as(user), listed_community, action)


@pytest.mark.parametrize("viewer", ["outsider", "banned", "anonymous"])
def test_an_unlisted_community_looks_missing_to_outsiders(request, community, viewer):
    user = request.getfixturevalue(viewer)
    with pytest.raises(Http404) as unlisted:
        access_community(request_as(user), "wine")
    with pytest.raises(Http404) as missing:
        access_community(request_as(user), "no-such-community")
    assert str(unlisted.value) == str(missing.value)


def test_a_member_who_left_is_an_outsider_again(community, member):
    community.memberships.filter(user=member).update(status="left")
    with pytest.raises(Http404):
        access_community(request_as(member), "wine")


def test_asking_about_every_action_costs_one_query_per_request(
    community, admin, django_assert_num_queries
):
    request = request_as(admin)
    with django_assert_num_queries(2):  # the community, then the viewer's membership
        fetched = access_community(request, "wine")
        for action in Action:
            may(request, fetched, action)
            if action in EXPECTED_YES and "admin" in EXPECTED_YES[action]:
                require(request, fetched, action)
    # A new request asks again: nothing is cached across requests.
    with django_assert_num_queries(1):
        may(request_as(admin), fetched, Action.INVITE)
