"""The hourly job that schedules digests, run as the cluster runs it (q2 inline in tests), and
the demo's digest choices."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from communities.models import Membership, MembershipStatus
from feeds.digests.models import DigestPreference, DigestSent, Frequency
from feeds.digests.periods import last_closed_period
from feeds.digests.tasks import dispatch_digests
from tests.feeds.digests.conftest import digest_to


def test_migrating_schedules_the_digest_job_hourly_once(db):
    call_command("migrate", verbosity=0)
    call_command("migrate", verbosity=0)

    schedule = Schedule.objects.get(name="digests-dispatch")
    assert schedule.func == "feeds.digests.tasks.dispatch_digests"
    assert (schedule.schedule_type, schedule.repeats) == (Schedule.HOURLY, -1)


@pytest.mark.django_db(transaction=True)
def test_the_hourly_job_sends_last_weeks_digest_once(smtp, written_at, member):
    last_week = last_closed_period(Frequency.WEEKLY, now=timezone.now(), time_zone="UTC")
    written_at(last_week.start + timedelta(hours=12), body="News from last week")

    assert dispatch_digests().startswith("queued ")
    dispatch_digests()

    assert "News from last week" in digest_to(smtp, member.email).text()
    assert DigestSent.objects.filter(user=member).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_job_forgets_claims_of_long_past_periods(smtp, community, member):
    now = timezone.now()
    old, recent = (
        DigestSent.objects.create(
            user=member,
            community=community,
            frequency=Frequency.WEEKLY,
            period_start=end - timedelta(days=7),
            period_end=end,
            outcome="sent",
        )
        for end in (now - timedelta(days=60), now - timedelta(days=3))
    )

    dispatch_digests()

    assert not DigestSent.objects.filter(pk=old.pk).exists()
    assert DigestSent.objects.filter(pk=recent.pk).exists()


def test_demo_members_get_the_weekly_digest(db, settings):
    settings.DEBUG = True  # seed_demo runs only in the development profile
    call_command("seed_demo", stdout=StringIO())
    settings.DEBUG = False

    memberships = Membership.objects.filter(status=MembershipStatus.ACTIVE)
    assert memberships.exists()
    for membership in memberships:
        preference = DigestPreference.objects.get(
            user=membership.user, community=membership.community
        )
        assert preference.frequency == Frequency.WEEKLY
