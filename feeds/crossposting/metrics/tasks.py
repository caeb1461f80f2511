"""django-q2 entry points: thin wrappers over metrics/services.py.

`sweep_metrics` runs once a minute (sosoon_site/jobs.py): it plans the reads that fit in each
network's budget and queues one `read_account_metrics` task per account.
"""

from django_q.tasks import async_task

from feeds.crossposting.metrics import services


def sweep_metrics() -> str:
    """Plan the due reads within every rate-limit budget and queue one task per account."""
    planned = services.plan_readings()
    for read in planned:
        async_task(
            "feeds.crossposting.metrics.tasks.read_account_metrics",
            read.account_id,
            read.crosspost_ids,
        )
    items = sum(len(read.crosspost_ids) for read in planned)
    return f"queued {items} cross-post(s) in {len(planned)} read(s)"


def read_account_metrics(account_id: int, crosspost_ids: list[int]) -> str:
    """Read one account's due cross-posts and save their samples."""
    return services.read_metrics(account_id, crosspost_ids)
