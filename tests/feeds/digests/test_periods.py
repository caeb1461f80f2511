"""Daily and weekly digests cover yesterday and last week in the recipient's time zone, are
due once that period has closed, and are sent once per period (clock frozen at NOW)."""

from datetime import UTC, datetime, timedelta

import pytest

from feeds.digests.models import DigestPreference, DigestSent, Frequency
from feeds.digests.periods import last_closed_period
from feeds.digests.services import due_digests
from tests.feeds.digests.conftest import LAST_WEEK, NOW, YESTERDAY, digest_to, send

pytestmark = pytest.mark.django_db(transaction=True)


def test_yesterday_and_last_week_end_at_the_persons_own_midnight():
    daily = last_closed_period(Frequency.DAILY, now=NOW, time_zone="UTC")
    weekly = last_closed_period(Frequency.WEEKLY, now=NOW, time_zone="UTC")
    assert (daily.start, daily.end) == (
        datetime(2026, 3, 3, tzinfo=UTC),
        datetime(2026, 3, 4, tzinfo=UTC),
    )
    assert (weekly.start, weekly.end) == (
        datetime(2026, 2, 23, tzinfo=UTC),
        datetime(2026, 3, 2, tzinfo=UTC),
    )
    # 10:00 UTC is 19:00 in Tokyo and 05:00 in New York: the same instant, their own days.
    tokyo = last_closed_period(Frequency.DAILY, now=NOW, time_zone="Asia/Tokyo")
    assert tokyo.end.isoformat() == "2026-03-04T00:00:00+09:00"
    new_york = last_closed_period(Frequency.DAILY, now=NOW, time_zone="America/New_York")
    assert new_york.end.isoformat() == "2026-03-04T00:00:00-05:00"


def test_daily_covers_yesterday_and_weekly_covers_last_week(
    smtp, written_at, community, member, insider
):
    DigestPreference.objects.create(user=member, community=community, frequency=Frequency.DAILY)
    written_at(YESTERDAY, body="Written yesterday")
    written_at(LAST_WEEK, body="Written last week")
    written_at(NOW - timedelta(hours=1), body="Written this morning")

    send(due_digests(NOW))

    daily = digest_to(smtp, member.email)
    assert "yesterday" in daily.message["Subject"]
    assert "Written yesterday" in daily.text()
    assert "Written last week" not in daily.text()
    assert "Written this morning" not in daily.text()
    weekly = digest_to(smtp, insider.email)  # the default
    assert "last week" in weekly.message["Subject"]
    assert "Written last week" in weekly.text()
    assert "Written yesterday" not in weekly.text()


def test_each_period_is_sent_once_and_the_next_one_when_it_closes(
    smtp, written_at, community, member, insider
):
    DigestPreference.objects.create(user=member, community=community, frequency=Frequency.DAILY)
    written_at(YESTERDAY, body="Written yesterday")
    written_at(LAST_WEEK, body="Written last week")
    written_at(NOW + timedelta(hours=2), body="Written later today")

    send(due_digests(NOW))
    send(due_digests(NOW + timedelta(hours=5)))  # the same day: nothing new is due

    assert len(smtp.to(member.email)) == 1
    assert len(smtp.to(insider.email)) == 1

    tomorrow = NOW + timedelta(days=1)
    send(due_digests(tomorrow))

    daily = smtp.to(member.email)
    assert len(daily) == 2
    assert "Written later today" in daily[1].text()
    # The weekly digest waits for Monday.
    assert len(smtp.to(insider.email)) == 1
    assert DigestSent.objects.filter(user=member).count() == 2


def test_a_digest_is_due_at_the_recipients_midnight_not_the_servers(
    smtp, written_at, community, member
):
    member.time_zone = "Asia/Tokyo"
    member.save(update_fields=["time_zone"])
    DigestPreference.objects.create(user=member, community=community, frequency=Frequency.DAILY)
    # 14:00 UTC on 3 March is 23:00 in Tokyo: still "yesterday" there at NOW (19:00 on the 4th).
    written_at(datetime(2026, 3, 3, 14, 0, tzinfo=UTC), body="Late on the 3rd in Tokyo")
    # 16:00 UTC on 3 March is already 4 March in Tokyo: today's, not yet due.
    written_at(datetime(2026, 3, 3, 16, 0, tzinfo=UTC), body="Early on the 4th in Tokyo")

    send(due_digests(NOW))

    text = digest_to(smtp, member.email).text()
    assert "Late on the 3rd in Tokyo" in text
    assert "Early on the 4th in Tokyo" not in text
