"""A digest holds what its recipient may see when it is sent, and nothing else.

Built through the feed code and the audience policy at send time: a tier post above the
recipient's tier, a circle post not addressed to them, and a post that became invisible
between scheduling and sending (withdrawn to a circle, removed, or the recipient left) are
never in it. Banned and departed members, people without a verified address and people who
turned the digest off get nothing; nor does anyone with nothing to catch up on.
"""

import pytest
from allauth.account.models import EmailAddress

from communities.models import Membership, MembershipStatus
from communities.services.members import do_ban_member, do_leave_community
from feeds.digests.models import DigestOutcome, DigestPreference, DigestSent, Frequency
from feeds.digests.services import due_digests
from feeds.models import Audience
from feeds.services.posts import do_edit_post, do_remove_post
from tests.feeds.digests.conftest import LAST_WEEK, NOW, digest_to, send

pytestmark = pytest.mark.django_db(transaction=True)

OPEN = "Open to all: the March tasting notes"
INSIDE = "Insider preview: the spring allocation"
FRIENDS = "Between friends: the bakery move"


@pytest.fixture
def three_posts(written_at, community, close_friends):
    insider_tier = community.tiers.get(name="Insider")
    return [
        written_at(LAST_WEEK, body=OPEN),
        written_at(LAST_WEEK, body=INSIDE, audience=Audience.TIER, min_tier=insider_tier),
        written_at(LAST_WEEK, body=FRIENDS, audience=Audience.CIRCLE, circle=close_friends),
    ]


def test_each_member_reads_only_the_posts_they_may_see(
    smtp, three_posts, member, insider, close_friend, author
):
    send(due_digests(NOW))

    member_text = digest_to(smtp, member.email).text()
    assert OPEN in member_text
    assert INSIDE not in member_text
    assert FRIENDS not in member_text
    insider_text = digest_to(smtp, insider.email).text()
    assert OPEN in insider_text and INSIDE in insider_text
    assert FRIENDS not in insider_text
    friend_text = digest_to(smtp, close_friend.email).text()
    assert OPEN in friend_text and FRIENDS in friend_text
    assert INSIDE not in friend_text
    # The author missed nothing: their own posts are not news to them.
    assert smtp.to(author.email) == []


def test_people_who_blocked_the_author_do_not_read_their_posts(smtp, written_at, blocked):
    written_at(LAST_WEEK, body=OPEN)

    send(due_digests(NOW))

    assert smtp.to(blocked.email) == []


def test_the_text_part_reads_as_the_author_wrote_it(smtp, written_at, member):
    written_at(LAST_WEEK, body="Cheese & wine <3, **tonight**")

    send(due_digests(NOW))

    assert "Cheese & wine <3, tonight" in digest_to(smtp, member.email).text()


def test_the_html_part_leaves_out_the_same_posts(smtp, three_posts, member):
    send(due_digests(NOW))

    message = digest_to(smtp, member.email).message
    (html,) = [part for part in message.walk() if part.get_content_type() == "text/html"]
    page = html.get_payload(decode=True).decode()
    assert OPEN in page
    assert INSIDE not in page and FRIENDS not in page


def test_posts_that_became_invisible_after_scheduling_are_left_out(
    smtp, written_at, close_friends, member
):
    kept = written_at(LAST_WEEK, body="Still for everyone")
    withdrawn = written_at(LAST_WEEK, body="Soon only for friends")
    removed = written_at(LAST_WEEK, body="Soon removed")
    schedule = due_digests(NOW)

    do_edit_post(
        withdrawn,
        body=withdrawn.body,
        audience=Audience.CIRCLE,
        min_tier=None,
        circle=close_friends,
    )
    do_remove_post(removed)
    send(schedule)

    text = digest_to(smtp, member.email).text()
    assert kept.body in text
    assert withdrawn.body not in text
    assert removed.body not in text


@pytest.mark.parametrize("how", ["left", "banned"])
def test_a_member_who_leaves_or_is_banned_after_scheduling_gets_no_digest(
    smtp, written_at, community, member, how
):
    written_at(LAST_WEEK, body=OPEN)
    schedule = due_digests(NOW)
    assert any(due.user_id == member.pk for due in schedule)

    if how == "left":
        do_leave_community(Membership.objects.get(user=member, community=community))
    else:
        do_ban_member(community, member)
    send(schedule)

    assert smtp.to(member.email) == []
    claim = DigestSent.objects.get(user=member, community=community)
    assert claim.outcome == DigestOutcome.SKIPPED


def test_banned_and_departed_members_are_not_scheduled(smtp, written_at, community, banned):
    departed = Membership.objects.create(
        user=type(banned).objects.create(email="gone@example.test", handle="gone"),
        community=community,
        tier=community.tiers.first(),
        status=MembershipStatus.LEFT,
    )
    written_at(LAST_WEEK, body=OPEN)

    owed = {due.user_id for due in due_digests(NOW)}

    assert banned.pk not in owed
    assert departed.user_id not in owed


def test_an_unverified_address_gets_no_mail(smtp, written_at, member):
    EmailAddress.objects.filter(user=member).update(verified=False)
    written_at(LAST_WEEK, body=OPEN)

    assert member.pk not in {due.user_id for due in due_digests(NOW)}
    send(due_digests(NOW))

    assert smtp.to(member.email) == []


def test_an_address_unverified_after_scheduling_gets_no_mail(smtp, written_at, member):
    written_at(LAST_WEEK, body=OPEN)
    schedule = due_digests(NOW)
    EmailAddress.objects.filter(user=member).update(verified=False)

    send(schedule)

    assert smtp.to(member.email) == []


def test_off_means_no_digest(smtp, written_at, community, member):
    DigestPreference.objects.create(user=member, community=community, frequency=Frequency.OFF)
    written_at(LAST_WEEK, body=OPEN)

    assert member.pk not in {due.user_id for due in due_digests(NOW)}
    send(due_digests(NOW))

    assert smtp.to(member.email) == []


def test_turning_it_off_after_scheduling_stops_that_digest(smtp, written_at, community, member):
    written_at(LAST_WEEK, body=OPEN)
    schedule = due_digests(NOW)
    DigestPreference.objects.create(user=member, community=community, frequency=Frequency.OFF)

    send(schedule)

    assert smtp.to(member.email) == []


def test_nothing_missed_means_no_mail_and_the_quiet_period_is_done(smtp, community, member):
    send(due_digests(NOW))

    assert smtp.received == []
    assert DigestSent.objects.get(user=member, community=community).outcome == (DigestOutcome.EMPTY)
    assert member.pk not in {due.user_id for due in due_digests(NOW)}


def test_unread_mentions_are_listed_and_read_ones_are_not(smtp, written_at, member, insider):
    from communities.notifications.models import Notification
    from communities.notifications.services import do_mark_read

    mention = written_at(LAST_WEEK, body=f"Ask @{member.handle} about the Jura")
    read = written_at(LAST_WEEK, body=f"@{insider.handle} knows the growers")
    Notification.objects.update(created=LAST_WEEK)
    do_mark_read(Notification.objects.filter(recipient=insider))

    send(due_digests(NOW))

    text = digest_to(smtp, member.email).text()
    assert "Mentions you have not read" in text
    assert "mentioned you" in text
    insider_text = digest_to(smtp, insider.email).text()
    # Read: the mention is not repeated, though the post is among the top posts.
    assert "Mentions you have not read" not in insider_text
    assert read.body in insider_text
    assert mention.body in insider_text


def test_a_mention_in_a_post_withdrawn_from_the_reader_is_left_out(
    smtp, written_at, close_friends, member
):
    from communities.notifications.models import Notification

    post = written_at(LAST_WEEK, body=f"Ask @{member.handle} about the Jura")
    Notification.objects.update(created=LAST_WEEK)
    assert Notification.objects.filter(recipient=member).exists()
    schedule = due_digests(NOW)
    do_edit_post(
        post, body=post.body, audience=Audience.CIRCLE, min_tier=None, circle=close_friends
    )

    send(schedule)

    # Nothing left that the member may see: no mail at all.
    assert smtp.to(member.email) == []
