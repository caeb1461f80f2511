"""Two workers sending the same digests at once send each one once (real threads, each with
its own PostgreSQL connection): the first to insert a period's DigestSent row sends it, the
other's insert waits for that commit and fails, so it skips the digest."""

import threading

import pytest
from django.db import connection

from feeds.digests.models import DigestOutcome, DigestSent
from feeds.digests.services import due_digests
from feeds.digests.tasks import send_digest_batch
from sosoon_site.mail.models import OutgoingMail
from tests.factories import UserFactory, add_member
from tests.feeds.digests.conftest import LAST_WEEK, NOW

PEOPLE = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_digest_per_person_and_period(smtp, written_at, community):
    people = [add_member(community, UserFactory()).user for _ in range(PEOPLE)]
    written_at(LAST_WEEK, body="The March tasting notes are up")
    schedule = due_digests(NOW)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    outcomes: list[str] = []

    def worker(batch):
        try:
            barrier.wait()
            outcomes.extend(send_digest_batch(batch).split(", "))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(schedule,)),
        threading.Thread(target=worker, args=(list(reversed(schedule)),)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    counts = {outcome.split(" ", 1)[1]: 0 for outcome in outcomes}
    for outcome in outcomes:
        number, what = outcome.split(" ", 1)
        counts[what] += int(number)
    # Every digest was done by one worker and skipped by the other: the people's and the
    # owner's sent, the author's empty (they missed nothing but their own post).
    assert counts == {"sent": PEOPLE + 1, "empty": 1, "claimed elsewhere": PEOPLE + 2}
    for person in people:
        assert len(smtp.to(person.email)) == 1, person.email
        assert OutgoingMail.objects.filter(recipients__contains=[person.email]).count() == 1
    assert DigestSent.objects.filter(outcome=DigestOutcome.SENT).count() == PEOPLE + 1  # owner
