"""django-q2 jobs for digests: the hourly dispatcher and the batches it queues.

The dispatcher only lists who is owed what and queues batches of BATCH_SIZE; each batch
builds and sends its digests at run time (services.do_send_digest), so a batch that waits in
the queue still sends only what each person may see when it runs. Two clusters running the
dispatcher, or the same batch, send each digest once: the period is claimed by a unique row.
"""

from django.utils import timezone
from django_q.tasks import async_task

from feeds.digests.services import Due, do_send_digest, due_digests, prune_claims

BATCH_SIZE = 50


def dispatch_digests() -> str:
    """Hourly: queue a batch task per BATCH_SIZE digests whose period has closed, and forget
    claims too old to matter."""
    now = timezone.now()
    owed = due_digests(now)
    for first in range(0, len(owed), BATCH_SIZE):
        async_task("feeds.digests.tasks.send_digest_batch", owed[first : first + BATCH_SIZE])
    return f"queued {len(owed)} digests, pruned {prune_claims(now)} old claims"


def send_digest_batch(batch: list[Due]) -> str:
    """Send one batch; the count of each outcome."""
    now = timezone.now()
    outcomes: dict[str, int] = {}
    for due in batch:
        outcome = do_send_digest(due, now=now)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
