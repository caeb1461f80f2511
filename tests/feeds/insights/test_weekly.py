"""The weekly Insights email: the small world's week (conftest) worked out by hand, who gets
it and who does not, once per week, not before the community's Monday and its Sunday's
roll-up, circle posts never named, the one-click unsubscribe, a mail server that is down,
the opt-in on the Email digests page, and the in-app notification.

The week is Monday 26 October to Sunday 1 November 2026 in New York. The week before it
(19 to 25 October) is before the club was founded, so everything there is zero or empty.
By hand, from the world's story:
    members at the end of 1 Nov: the owner, Ana and Cleo (Ben left at 23:30 EST) = 3
    joined: the owner and Ana on the 30th, Ben and Cleo on the 31st = 4, all direct
    active in the week: the owner (welcome post), Ben (comment), Ana (post), Cleo
    (reaction) = 4, all of them contributors: engagement rate 100%, nothing before it
    top post: the welcome (1 comment) and the tasting notes (1 reaction) tie on one
    interaction, the older post first; its audience when rolled up is the owner and Ana (Ben
    has left, Cleo is banned), so 1 / 2 = 50%
"""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django_q.models import Schedule

from communities.models import Membership
from communities.notifications.models import Notification
from feeds.digests.models import DigestPreference, Frequency
from feeds.digests.tokens import unsubscribe_token
from feeds.insights import tasks
from feeds.insights.models import WeeklyInsightsSent, WeeklyOutcome
from feeds.insights.rollups import roll_up_days
from feeds.insights.weekly import send_weekly_insights
from feeds.models import Audience, CircleMember, Reaction
from feeds.services.circles import close_friends_of
from sosoon_site.accounts.blocks import do_block
from sosoon_site.mail.models import MailStatus, OutgoingMail
from sosoon_site.mail.outbox import deliver_due
from tests.factories import add_member
from tests.fakes.smtp import FakeSMTP
from tests.feeds.insights.conftest import utc

pytestmark = pytest.mark.django_db(transaction=True)

SITE = "https://sosoon.test"
# Tuesday 3 November, 10:00 in New York: last week there is 26 October to 1 November.
TUESDAY = utc(2026, 11, 3, 15)
WEEK = date(2026, 10, 26)
ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture
def smtp(settings):
    """Mail goes through the outbox, delivered by its task to a local SMTP server."""
    settings.EMAIL_BACKEND = "sosoon_site.mail.backend.OutboxBackend"
    settings.SOSOON_MAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.SOSOON_SITE_URL = SITE
    with FakeSMTP() as server:
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
            "127.0.0.1",
            server.port,
            5,
        )
        yield server


def rolled_through(world, last: date):
    roll_up_days(world["community"], date(2026, 10, 19), last)
    return world


@pytest.fixture
def rolled(world):
    return rolled_through(world, date(2026, 11, 1))


def opt_in(person, community, *, wanted=True):
    DigestPreference.objects.update_or_create(
        user=person, community=community, defaults={"insights_weekly": wanted}
    )


def weekly_notifications(person):
    return list(Notification.objects.filter(recipient=person, kind="insights_weekly"))


def test_an_owner_who_opted_in_gets_the_weeks_numbers_worked_out_by_hand(smtp, rolled, owner):
    community = rolled["community"]
    opt_in(owner, community)

    assert send_weekly_insights(TUESDAY) == {WeeklyOutcome.SENT: 1}

    (received,) = smtp.to(owner.email)
    assert received.message["Subject"] == "Natural Wine Club last week: 3 members, 4 joined"
    text = received.text()
    assert "from Monday 26 October to Sunday 1 November 2026" in text
    assert "- Members: 3 (+3), 4 joined (0 the week before)" in text
    assert "- Active members in the week: 4 (+4)" in text
    assert "- Engagement rate: 100% (\u2013)" in text
    assert (
        '- Top post: "Welcome" by Olga Owner, 1 comment and 0 reactions (50% of its audience)'
        in text
    )
    assert f"{SITE}/p/{rolled['welcome'].pk}/" in text
    assert "- Top source: Direct (founded, added), 4 joined (0 the week before)" in text
    insights = f"{SITE}/c/wine/insights/?period=custom&start=2026-10-26&end=2026-11-01"
    assert f"The whole week on Insights: {insights}" in text
    html = next(
        part for part in received.message.walk() if part.get_content_type() == "text/html"
    ).get_payload(decode=True)
    assert f'href="{insights}"'.replace("&", "&amp;") in html.decode()


def test_the_insights_page_shows_the_same_week(client, smtp, rolled, owner):
    """The link opens the page on that week, with the email's numbers."""
    opt_in(owner, rolled["community"])
    send_weekly_insights(TUESDAY)
    (received,) = smtp.to(owner.email)
    (link,) = re.findall(rf"{SITE}(/c/wine/insights/\S+)", received.text())

    client.force_login(owner)
    page = client.get(link).content.decode()

    assert "26 Oct 2026 to 1 Nov 2026 (7 days)" in page
    assert re.search(r"<dt>Members</dt>\s*<dd><strong>3</strong>", page)
    assert re.search(r"<dt>Active in the last 7 days \(WAU\)</dt>\s*<dd><strong>4</strong>", page)


def test_the_notification_links_to_the_week_and_goes_when_the_admin_is_demoted(
    client, smtp, rolled, admin
):
    community = rolled["community"]
    opt_in(admin, community)
    send_weekly_insights(TUESDAY)
    client.force_login(admin)

    page = client.get(reverse("communities:notifications")).content.decode()
    assert "Last week&#x27;s Insights are ready" in page
    (notification,) = weekly_notifications(admin)
    opened = client.get(reverse("communities:open_notification", args=[notification.pk]))
    assert opened.status_code == 302
    assert opened["Location"] == ("/c/wine/insights/?period=custom&start=2026-10-26&end=2026-11-01")

    Membership.objects.filter(user=admin, community=community).update(role="member")
    page = client.get(reverse("communities:notifications")).content.decode()
    assert "Insights are ready" not in page


def test_nobody_who_did_not_opt_in_or_may_not_read_insights_gets_anything(
    smtp, rolled, owner, admin, moderator, member
):
    community = rolled["community"]
    opt_in(owner, community, wanted=False)
    for person in (admin, moderator, member):
        opt_in(person, community)
    gone = add_member(community, role="admin", status="left").user
    opt_in(gone, community)

    assert send_weekly_insights(TUESDAY) == {WeeklyOutcome.SENT: 1}

    assert [r.recipients for r in smtp.received] == [(admin.email,)]
    for person in (owner, moderator, member, gone):
        assert weekly_notifications(person) == []
        assert not WeeklyInsightsSent.objects.filter(user=person).exists()
    assert len(weekly_notifications(admin)) == 1


def test_a_week_is_sent_once_however_often_the_job_runs(smtp, rolled, owner):
    opt_in(owner, rolled["community"])

    send_weekly_insights(TUESDAY)
    assert send_weekly_insights(TUESDAY) == {}
    assert send_weekly_insights(TUESDAY + timedelta(days=2)) == {}

    assert len(smtp.to(owner.email)) == 1
    assert len(weekly_notifications(owner)) == 1
    assert WeeklyInsightsSent.objects.get(user=owner).week == WEEK


def test_not_before_the_communitys_monday_nor_before_its_sunday_is_rolled_up(smtp, world, owner):
    community = world["community"]
    opt_in(owner, community)
    rolled_through(world, date(2026, 10, 31))
    # Monday 03:00 UTC is still Sunday 22:00 in New York: the week that ended there is the
    # one before, 19 to 25 October.
    send_weekly_insights(utc(2026, 11, 2, 3))
    assert list(WeeklyInsightsSent.objects.values_list("week", flat=True)) == [date(2026, 10, 19)]
    # Monday in New York, but Sunday is not rolled up yet: the next hour's run will do.
    assert send_weekly_insights(utc(2026, 11, 2, 6)) == {}

    roll_up_days(community, date(2026, 11, 1), date(2026, 11, 1))

    assert send_weekly_insights(utc(2026, 11, 2, 6)) == {WeeklyOutcome.SENT: 1}
    assert WeeklyInsightsSent.objects.filter(week=WEEK).exists()
    assert len(smtp.to(owner.email)) == 2


def test_a_circle_post_is_never_named_even_as_the_weeks_most_engaging(
    smtp, world, owner, user_factory
):
    community = world["community"]
    welcome = world["welcome"]
    friends = close_friends_of(owner)
    CircleMember.objects.create(circle=friends, user=world["ana"])
    welcome.audience, welcome.circle = Audience.CIRCLE, friends
    welcome.save(update_fields=["audience", "circle"])
    Reaction.objects.create(
        post=welcome, user=world["ana"], emoji="heart", created=utc(2026, 10, 31, 15)
    )
    rolled_through(world, date(2026, 11, 1))
    opt_in(owner, community)

    send_weekly_insights(TUESDAY)

    text = smtp.to(owner.email)[0].text()
    assert '- Top post: "Tasting notes" by Ana' in text
    assert "Welcome" not in text and f"/p/{welcome.pk}/" not in text


def test_a_post_the_recipient_may_not_see_is_not_named(smtp, rolled, admin):
    """Blocks hide posts both ways: the admin Ana blocked is not shown her post."""
    community = rolled["community"]
    do_block(rolled["ana"], admin)
    Reaction.objects.create(
        post=rolled["tasting"], user=admin, emoji="heart", created=utc(2026, 11, 1, 18)
    )
    roll_up_days(community, date(2026, 11, 1), date(2026, 11, 1))
    opt_in(admin, community)

    send_weekly_insights(TUESDAY)

    text = smtp.to(admin.email)[0].text()
    assert "Tasting notes" not in text
    assert '- Top post: "Welcome" by Olga Owner' in text


def test_the_one_click_unsubscribe_turns_off_only_the_weekly_email(smtp, rolled, owner):
    community = rolled["community"]
    DigestPreference.objects.create(
        user=owner, community=community, frequency=Frequency.DAILY, insights_weekly=True
    )
    send_weekly_insights(TUESDAY)
    message = smtp.to(owner.email)[0].message
    assert message["List-Unsubscribe-Post"] == ONE_CLICK
    (url,) = re.findall(r"<([^>]+)>", message["List-Unsubscribe"])
    assert url in smtp.to(owner.email)[0].text()
    mail_client = Client(enforce_csrf_checks=True)
    path = url.removeprefix(SITE)

    shown = mail_client.get(path)
    assert "Unsubscribe from Natural Wine Club's weekly Insights?" in shown.content.decode()
    assert DigestPreference.objects.get(user=owner).insights_weekly is True

    done = mail_client.post(path, ONE_CLICK, content_type="application/x-www-form-urlencoded")

    assert done.status_code == 200
    assert "no more weekly Insights emails" in done.content.decode()
    preference = DigestPreference.objects.get(user=owner)
    assert preference.insights_weekly is False
    assert preference.frequency == Frequency.DAILY
    roll_up_days(community, date(2026, 11, 2), date(2026, 11, 8))
    assert send_weekly_insights(TUESDAY + timedelta(days=7)) == {}


def test_a_member_digest_token_does_not_open_the_weekly_unsubscribe(client, community, owner):
    opt_in(owner, community)
    digest_token = unsubscribe_token(owner.pk, community.pk)

    response = client.post(
        reverse("digests:unsubscribe_insights", args=[digest_token]),
        ONE_CLICK,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 404
    assert DigestPreference.objects.get(user=owner).insights_weekly is True


def test_a_dead_mail_server_keeps_the_mail_with_a_reason_and_the_outbox_sends_it_once(
    settings, smtp, rolled, owner
):
    settings.EMAIL_PORT = 1  # nothing listens there
    opt_in(owner, rolled["community"])

    send_weekly_insights(TUESDAY)

    (mail,) = OutgoingMail.objects.all()
    assert mail.status == MailStatus.PENDING
    assert "The mail server 127.0.0.1:1 refused the connection" in mail.last_error
    assert "EMAIL_HOST and EMAIL_PORT" in mail.last_error
    # The week is claimed with its notification: the retry is the outbox's, nothing is rebuilt.
    assert WeeklyInsightsSent.objects.get(user=owner).outcome == WeeklyOutcome.SENT
    assert len(weekly_notifications(owner)) == 1
    assert send_weekly_insights(TUESDAY) == {}

    settings.EMAIL_PORT = smtp.port
    OutgoingMail.objects.update(next_attempt_at=datetime.now(UTC))
    assert deliver_due(seconds=5) == 1

    assert len(smtp.to(owner.email)) == 1
    assert OutgoingMail.objects.get().status == MailStatus.SENT


def test_a_person_without_a_verified_address_is_told_in_the_app_only(smtp, rolled, owner):
    EmailAddress.objects.filter(user=owner).update(verified=False)
    opt_in(owner, rolled["community"])

    assert send_weekly_insights(TUESDAY) == {WeeklyOutcome.IN_APP: 1}

    assert smtp.received == [] and not OutgoingMail.objects.exists()
    assert len(weekly_notifications(owner)) == 1


def test_owners_turn_it_on_on_the_email_digests_page_and_members_cannot(
    client, community, owner, member
):
    field = f"insights_{community.pk}"
    client.force_login(owner)
    page = client.get(reverse("digests:preferences")).content.decode()
    assert "Weekly Insights of Natural Wine Club" in page
    assert f'name="{field}"' in page and "checked" not in page

    response = client.post(
        reverse("digests:preferences"), {f"community_{community.pk}": "weekly", field: "on"}
    )

    assert response.status_code == 302
    assert DigestPreference.objects.get(user=owner).insights_weekly is True
    assert "checked" in client.get(reverse("digests:preferences")).content.decode()

    client.force_login(member)
    page = client.get(reverse("digests:preferences")).content.decode()
    assert "Weekly Insights" not in page
    client.post(
        reverse("digests:preferences"), {f"community_{community.pk}": "weekly", field: "on"}
    )
    assert DigestPreference.objects.get(user=member).insights_weekly is False


def test_the_hourly_job_is_scheduled_and_sends_what_is_owed_now(smtp, community, owner):
    Schedule.objects.get(name="insights-weekly", func="feeds.insights.tasks.send_weekly_insights")
    opt_in(owner, community)
    # Made today: no Sunday of the community's is rolled up yet, so nothing is owed.
    assert tasks.send_weekly_insights() == "none"
    assert smtp.received == []
