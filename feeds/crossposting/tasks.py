"""django-q2 entry points: thin wrappers over services/publishing.py.

`dispatch_due_crossposts` runs from two schedules half a minute apart (sosoon_site/jobs.py),
so it runs at every wake of q2's scheduler (every 30 s). It claims what falls due before the
next wake and queues the claimed rows in batches, one task each, which publish their rows side
by side, each at its time: neither the wake nor a queue of one-request tasks adds to the lag.
"""

from django_q.tasks import async_task

from feeds.crossposting.services import accounts, publishing


def dispatch_due_crossposts() -> str:
    """Recover rows whose task was lost, claim due ones, queue one publish task per batch."""
    queued = publishing.dispatch(enqueue=queue_publish)
    return f"queued {queued} cross-post(s)"


def queue_publish(claims: dict[int, int]) -> None:
    """One q2 task for a batch of claimed cross-posts, {id: the claim it is queued under}."""
    async_task("feeds.crossposting.tasks.publish_crossposts", claims)


def publish_crossposts(claims: dict[int, int]) -> dict[int, str]:
    """Advance a batch of claimed cross-posts side by side, each once it is due."""
    return publishing.publish_batch(claims)


def refresh_expiring_accounts() -> str:
    """Daily: renew tokens whose refresh token is close to running out."""
    return f"renewed {accounts.refresh_expiring_accounts()} account(s)"
