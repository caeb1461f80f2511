"""Notifications reach only people who may see what they are about, and vanish with access."""

import pytest
from django.test import Client

from communities.models import Membership, Notification, NotificationKind
from communities.notifications.services import notify, unread_count
from communities.services.invitations import check_create_invitation, do_redeem_invitation
from communities.services.join_requests import check_request_to_join
from communities.services.members import do_remove_member
from feeds.services.comments import do_add_comment
from feeds.services.posts import do_create_post
from feeds.services.reactions import do_toggle_reaction
from sosoon_site.accounts.models import Block
from tests.factories import add_member


@pytest.fixture
def synth_admin(listed_community):
    return add_member(listed_community, role="admin").user


@pytest.fixture
def knock(listed_community, user_factory):
    """A stranger asks to join the listed community."""
    stranger = user_factory(handle="stranger", display_name="Sam Stranger")
    return check_request_to_join(stranger, listed_community, "I restore Junos.")


def test_a_join_request_notifies_the_people_who_decide(listed_community, synth_admin, knock):
    owner = listed_community.owner
    member = add_member(listed_community).user

    assert unread_count(owner) == 1
    assert unread_count(synth_admin) == 1
    assert unread_count(member) == 0, "plain members do not decide"


def test_the_notifications_page_names_who_and_where(client, listed_community, synth_admin, knock):
    client.force_login(synth_admin)

    response = client.get("/notifications/")

    assert response.status_code == 200
    assert b"<title>Notifications" in response.content
    assert b"Sam Stranger" in response.content
    assert b"asked to join" in response.content
    assert b"Vintage Synth Makers" in response.content


def test_the_badge_counts_unread_and_opening_marks_read(
    client, listed_community, synth_admin, knock
):
    client.force_login(synth_admin)
    assert b'aria-label="1 unread"' in client.get("/").content
    notification = Notification.objects.get(recipient=synth_admin)

    response = client.get(f"/notifications/{notification.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/c/{listed_community.slug}/requests/"
    assert unread_count(synth_admin) == 0
    assert b'aria-label="0 unread"' in client.get("/notifications/badge/").content


def test_mark_all_read(client, listed_community, synth_admin, knock):
    client.force_login(synth_admin)

    client.post("/notifications/read/")

    assert unread_count(synth_admin) == 0


def test_losing_the_role_hides_the_notification_at_once(
    client, listed_community, synth_admin, knock
):
    membership = Membership.objects.get(user=synth_admin, community=listed_community)
    notification = Notification.objects.get(recipient=synth_admin)

    membership.role = "member"
    membership.save()

    assert unread_count(synth_admin) == 0
    client.force_login(synth_admin)
    assert b"Sam Stranger" not in client.get("/notifications/").content
    assert client.get(f"/notifications/{notification.pk}/").status_code == 404


def test_leaving_the_community_hides_it_too(listed_community, synth_admin, knock):
    do_remove_member(Membership.objects.get(user=synth_admin, community=listed_community))

    assert unread_count(synth_admin) == 0


def test_blocking_the_actor_hides_their_notifications(listed_community, synth_admin, knock):
    Block.objects.create(blocker=synth_admin, blocked=knock.user)

    assert unread_count(synth_admin) == 0


def test_nobody_opens_someone_elses_notification(client, listed_community, synth_admin, knock):
    notification = Notification.objects.get(recipient=synth_admin)
    client.force_login(listed_community.owner)

    assert client.get(f"/notifications/{notification.pk}/").status_code == 404
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_notify_skips_people_outside_the_audience_and_the_actor(
    listed_community, synth_admin, knock, outsider
):
    notified = notify(
        [synth_admin, outsider, knock.user],
        kind=NotificationKind.JOIN_REQUEST,
        actor=knock.user,
        target=knock,
    )

    assert notified == [synth_admin.pk]


def test_using_an_invitation_tells_whoever_made_it(community, admin, user_factory):
    invitation = check_create_invitation(
        Membership.objects.get(user=admin, community=community),
        community,
        tier=community.tiers.get(rank=0),
    )
    newcomer = user_factory(handle="newcomer", display_name="Nia Newcomer")

    do_redeem_invitation(newcomer, invitation)

    client = Client()
    client.force_login(admin)
    page = client.get("/notifications/").content
    assert b"Nia Newcomer" in page and b"joined with your invitation" in page


def test_notifications_need_a_signed_in_person(client, db):
    for url in ["/notifications/", "/notifications/badge/", "/notifications/1/"]:
        assert client.get(url).status_code == 302
    assert client.post("/notifications/read/").status_code == 302


def test_the_badge_counts_the_lines_the_page_shows(client, community, member):
    """Four reactions to one post are one line ("… and 3 others reacted"), two comments are
    two: the badge says 3, as many as the page's unread lines, not 6 notifications."""
    post = do_create_post(member, community, body="Skin-contact tasting", audience="community")
    for _ in range(4):
        do_toggle_reaction(add_member(community).user, post, "heart")
    commenters = [add_member(community).user for _ in range(2)]
    for commenter in commenters:
        do_add_comment(commenter, post, "Count me in")
    assert Notification.objects.filter(recipient=member, read_at__isnull=True).count() == 6
    client.force_login(member)

    page = client.get("/notifications/").content.decode()

    assert page.count('class="row notification notification--unread"') == 3
    assert 'aria-label="3 unread"' in page
    assert "and 3 others" in page

    comment_rows = Notification.objects.filter(recipient=member, actor__in=commenters)
    client.get(f"/notifications/{comment_rows.first().pk}/")
    page = client.get("/notifications/").content.decode()
    assert page.count('class="row notification notification--unread"') == 2
    assert page.count('class="row notification"') == 1, "the opened comment is read"
    assert 'aria-label="2 unread"' in page
    assert b'aria-label="2 unread"' in client.get("/notifications/badge/").content
