"""Event reminders through two real q2 clusters at once on PostgreSQL: each is started the way
sosoon-qcluster.service starts it (tests.launcher.clusters), both take the reminder job, and
every person going is reminded exactly once per reminder, in the app and by mail through a
local SMTP server, however the two clusters' workers interleave."""

import json
from collections import Counter

import pytest

from tests.fakes.smtp import FakeSMTP
from tests.feeds.crossposting.clusters import clusters, python, site_environment, wait_for

pytestmark = pytest.mark.postgres

# Enough reminders that the runs started together share them out (in a trial run four runs
# sent 17, 12, 15 and 16 of the 60), rather than the first finishing before the others start.
PEOPLE = 30
# Extra one-off runs of the reminder job due at once, beside its every-minute schedule: the
# two clusters' workers then run it side by side.
RACING_RUNS = 8
JOB = "feeds.events.tasks.send_event_reminders"

SEED = """
from datetime import timedelta
from django.utils import timezone
from django_q.models import Schedule
from feeds.events.models import RSVPStatus
from feeds.events.services.events import check_create_event
from feeds.events.services.rsvps import do_rsvp
from tests.factories import UserFactory, add_member, create_community

host = UserFactory(handle="host")
community = create_community(owner=host)
people = [add_member(community, UserFactory(handle=f"guest{{n}}")).user for n in range({people})]
for title, starts_in in (("Soon tasting", timedelta(minutes=40)),
                         ("Tomorrow tasting", timedelta(hours=12))):
    starts = timezone.now() + starts_in
    event = check_create_event(host, community, title=title, starts_at=starts,
                               ends_at=starts + timedelta(hours=2), time_zone="UTC",
                               place="The cellar", body="Six wines.", audience="community")
    for person in people:
        do_rsvp(person, event, RSVPStatus.GOING)
for n in range({racing}):
    Schedule.objects.create(name=f"race-{{n}}", func="{job}", schedule_type=Schedule.ONCE,
                            repeats=1)
"""

STATE = """
import json
from communities.notifications.models import Notification
from communities.notifying import NotificationKind
from django_q.models import Success
from feeds.events.models import EventReminder
reminders = Notification.objects.filter(kind=NotificationKind.EVENT_REMINDER)
print(json.dumps({
    "notifications": [[n.recipient.handle, n.target_id] for n in reminders],
    "claimed": EventReminder.objects.count(),
    "runs": list(Success.objects.filter(func="{job}").values_list("result", flat=True)),
}))
""".replace("{job}", JOB)


def _state(env) -> dict:
    return json.loads(python(env, STATE))


def test_two_clusters_remind_each_person_exactly_once(tmp_path):
    expected = 2 * PEOPLE
    with FakeSMTP() as smtp:
        mail = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
        }
        with site_environment(suffix="reminder_clusters", workdir=tmp_path, providers=mail) as env:
            python(env, SEED.format(people=PEOPLE, racing=RACING_RUNS, job=JOB))
            # Small pools: the clusters' processes share PostgreSQL's 100 connections with the
            # other test workers of CI's second pass.
            small_pools = {
                "SOSOON_DB_POOL_MAX_SIZE": "2",
                "SOSOON_DB_POOL_MIN_SIZE": "0",
                "SOSOON_CROSSPOST_CONCURRENCY": "1",
            }
            with clusters({**env, **small_pools}, count=2, workdir=tmp_path):

                def all_runs_done() -> bool:
                    state = _state(env)
                    return (
                        len(state["runs"]) > RACING_RUNS
                        and len(state["notifications"]) >= expected
                        and len(smtp.received) >= expected
                    )

                done = wait_for(all_runs_done, timeout=150)
                # Time for a second copy of anything to arrive, were one on its way.
                wait_for(lambda: False, timeout=3)
            state = _state(env)

    logs = "\n".join(path.read_text() for path in tmp_path.glob("qcluster-*.log"))
    assert done, f"{state}\n{len(smtp.received)} mails\n{logs[-3000:]}"
    notified = Counter(tuple(row) for row in state["notifications"])
    assert len(notified) == expected and set(notified.values()) == {1}
    mailed = Counter((r.recipients, r.message["Subject"]) for r in smtp.received)
    assert len(mailed) == expected and set(mailed.values()) == {1}
    assert {subject for _, subject in mailed} == {
        "Reminder: Soon tasting starts in an hour",
        "Reminder: Tomorrow tasting starts tomorrow",
    }
    assert state["claimed"] == expected
    assert sum(int(result.split()[1]) for result in state["runs"]) == expected, state["runs"]
