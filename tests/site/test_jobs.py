"""The background cluster's heartbeat is scheduled on every deployment, once."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from sosoon_site.models import Heartbeat
from sosoon_site.tasks import heartbeat


def test_migrating_schedules_the_heartbeat_once(db):
    call_command("migrate", verbosity=0)
    call_command("migrate", verbosity=0)

    schedules = Schedule.objects.filter(name="heartbeat")
    assert schedules.count() == 1
    schedule = schedules.get()
    assert schedule.func == "sosoon_site.tasks.heartbeat"
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == ("I", 1, -1)


def test_heartbeat_records_when_it_ran(db):
    assert heartbeat().startswith("alive at 20")

    recorded = Heartbeat.objects.get(cluster="sosoon").beat_at
    assert timezone.now() - recorded < timedelta(seconds=5)
