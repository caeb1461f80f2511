"""The directory, asking to join a listed community, the queue, and auto-approval."""

import pytest
from django.urls import reverse

from communities.models import JoinRequest, Membership
from communities.services.invitations import do_create_invitation
from tests.factories import add_member

DIRECTORY = reverse("communities:directory")
JOIN = reverse("communities:request_to_join", kwargs={"slug": "synth"})
QUEUE = reverse("communities:requests", kwargs={"slug": "synth"})


@pytest.mark.parametrize("query", ["", "synth", "ANALOGUE", "Restoring"])
def test_directory_lists_and_searches_listed_communities(
    client, listed_community, community, query
):
    page = client.get(DIRECTORY, {"q": query}).content.decode()
    assert "Vintage Synth Makers" in page
    assert "Natural Wine Club" not in page


@pytest.mark.parametrize("query", ["Natural Wine Club", "wine", "Natural"])
def test_unlisted_never_appear_even_by_exact_name(client, community, outsider, query):
    client.force_login(outsider)
    page = client.get(DIRECTORY, {"q": query}).content.decode()
    assert "/c/wine/" not in page
    assert "No listed community matches" in page


def test_request_then_approve(client, listed_community, outsider):
    client.force_login(outsider)
    response = client.post(JOIN, {"message": "I restore Junos."}, follow=True)
    assert "Request sent." in response.content.decode()
    join_request = JoinRequest.objects.get(user=outsider)
    assert join_request.status == "pending" and join_request.message == "I restore Junos."
    assert "You asked to join" in client.get("/c/synth/").content.decode()

    client.force_login(listed_community.owner)
    assert "I restore Junos." in client.get(QUEUE).content.decode()
    decide = reverse(
        "communities:decide_request", kwargs={"slug": "synth", "request_id": join_request.pk}
    )
    client.post(decide, {"decision": "approve"})
    join_request.refresh_from_db()
    assert join_request.status == "approved" and join_request.decided_by == listed_community.owner
    membership = Membership.objects.get(user=outsider, community=listed_community)
    assert membership.is_active and membership.joined_via_request == join_request


def test_reject_and_ban_blocks_asking_again(client, listed_community, outsider):
    join_request = JoinRequest.objects.create(user=outsider, community=listed_community)
    client.force_login(listed_community.owner)
    decide = reverse(
        "communities:decide_request", kwargs={"slug": "synth", "request_id": join_request.pk}
    )
    client.post(decide, {"decision": "ban"})
    join_request.refresh_from_db()
    assert join_request.status == "rejected"
    client.force_login(outsider)
    response = client.post(JOIN, {"message": "again"}, follow=True)
    assert "You cannot join this community." in response.content.decode()
    assert JoinRequest.objects.filter(user=outsider).count() == 1


def test_asking_twice_is_refused(client, listed_community, outsider):
    client.force_login(outsider)
    client.post(JOIN)
    response = client.post(JOIN, follow=True)
    assert "You have already asked" in response.content.decode()
    assert JoinRequest.objects.filter(user=outsider).count() == 1


def test_a_long_message_is_refused(client, listed_community, outsider):
    client.force_login(outsider)
    response = client.post(JOIN, {"message": "x" * 501}, follow=True)
    assert "Keep the message under 500 characters." in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_unlisted_communities_take_no_requests(client, community, outsider):
    client.force_login(outsider)
    assert (
        client.post(reverse("communities:request_to_join", kwargs={"slug": "wine"})).status_code
        == 404
    )
    assert not JoinRequest.objects.exists()


@pytest.mark.parametrize("viewer", ["member_of_synth", "outsider"])
def test_only_admins_see_the_queue(client, listed_community, outsider, viewer):
    user = add_member(listed_community).user if viewer == "member_of_synth" else outsider
    client.force_login(user)
    assert client.get(QUEUE).status_code == 403


def test_email_domain_allow_list_auto_approves(client, listed_community, user_factory):
    listed_community.auto_approve_domains = "synthco.test"
    listed_community.save()
    person = user_factory(email="kim@synthco.test")
    client.force_login(person)
    response = client.post(JOIN, follow=True)
    assert "Welcome to Vintage Synth Makers!" in response.content.decode()
    join_request = JoinRequest.objects.get(user=person)
    assert join_request.status == "approved" and join_request.decided_by is None
    assert join_request.decision_note == "Email domain on the allow-list"


def test_other_domains_wait_for_review(client, listed_community, outsider):
    listed_community.auto_approve_domains = "synthco.test"
    listed_community.save()
    client.force_login(outsider)
    client.post(JOIN)
    assert JoinRequest.objects.get(user=outsider).status == "pending"


@pytest.mark.parametrize(
    ("inviter_status", "approved"), [("active", True), ("left", False), ("banned", False)]
)
def test_people_invited_by_a_member_are_auto_approved(
    client, listed_community, outsider, inviter_status, approved
):
    inviter = add_member(listed_community, status=inviter_status).user
    do_create_invitation(
        listed_community,
        inviter,
        tier=listed_community.tiers.first(),
        email=outsider.email.upper(),
        max_uses=1,
    )
    client.force_login(outsider)
    client.post(JOIN)
    assert (JoinRequest.objects.get(user=outsider).status == "approved") is approved


def test_auto_approval_waits_when_the_community_is_full(client, listed_community, user_factory):
    listed_community.auto_approve_domains = "synthco.test"
    listed_community.member_cap = 1
    listed_community.save()
    person = user_factory(email="kim@synthco.test")
    client.force_login(person)
    client.post(JOIN)
    assert JoinRequest.objects.get(user=person).status == "pending"


@pytest.mark.parametrize("decision", ["aprove", "", "APPROVE", "reject "])
def test_an_unknown_decision_is_refused_and_the_request_stays_pending(
    client, listed_community, outsider, decision
):
    join_request = JoinRequest.objects.create(user=outsider, community=listed_community)
    client.force_login(listed_community.owner)
    decide = reverse(
        "communities:decide_request", kwargs={"slug": "synth", "request_id": join_request.pk}
    )
    response = client.post(decide, {"decision": decision}, follow=True)
    assert response.status_code == 200
    assert "Choose Approve, Reject or Reject and ban." in response.content.decode()
    join_request.refresh_from_db()
    assert join_request.status == "pending" and join_request.decided_by is None
    assert not Membership.objects.filter(user=outsider, community=listed_community).exists()


def test_reject_is_a_decision_of_its_own(client, listed_community, outsider):
    join_request = JoinRequest.objects.create(user=outsider, community=listed_community)
    client.force_login(listed_community.owner)
    decide = reverse(
        "communities:decide_request", kwargs={"slug": "synth", "request_id": join_request.pk}
    )
    response = client.post(decide, {"decision": "reject"}, follow=True)
    assert f"{outsider.name}&#x27;s request rejected." in response.content.decode()
    join_request.refresh_from_db()
    assert join_request.status == "rejected"
    assert not Membership.objects.filter(user=outsider, community=listed_community).exists()
