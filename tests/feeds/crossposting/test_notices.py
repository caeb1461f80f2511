"""Owners and admins hear in the app when cross-posting needs them; nobody else does."""

from communities.notifications.services import unread_count
from feeds.crossposting.models import CrossPostStatus


def test_a_failed_crosspost_notifies_owner_and_admins_only(
    x_account, crosspost_factory, dispatch, fake_x, owner, admin, moderator, member, client
):
    fake_x.fail("/2/tweets", "duplicate")
    crosspost = crosspost_factory(x_account)

    dispatch()

    crosspost.refresh_from_db()
    assert crosspost.status == CrossPostStatus.FAILED
    assert (unread_count(owner), unread_count(admin)) == (1, 1)
    assert (unread_count(moderator), unread_count(member)) == (0, 0)
    client.force_login(admin)
    page = client.get("/notifications/").content.decode()
    assert "A cross-post needs your attention" in page


def test_an_account_needing_reconnection_notifies_its_managers(
    x_account, crosspost_factory, dispatch, fake_x, owner, member, client
):
    fake_x.expire_access_tokens()
    fake_x.refresh_tokens.clear()
    crosspost_factory(x_account)

    dispatch()

    client.force_login(owner)
    page = client.get("/notifications/").content.decode()
    assert "A connected account must be reconnected" in page
    assert unread_count(member) == 0


def test_a_demoted_admin_no_longer_sees_crosspost_notices(
    x_account, crosspost_factory, dispatch, fake_x, admin, community
):
    fake_x.fail("/2/tweets", "duplicate")
    crosspost_factory(x_account)
    dispatch()
    assert unread_count(admin) == 1

    community.memberships.filter(user=admin).update(role="member")

    assert unread_count(admin) == 0
