"""django-q2 entry points: thin wrappers over services/publishing.py.

`dispatch_due_crossposts` runs from two schedules half a minute apart (sosoon_site/jobs.py),
so it runs at every wake of q2's scheduler (every 30 s) and adds nothing to that floor: a
post due at any moment is claimed at the next wake and its task is queued at once.
"""

from django_q.tasks import async_task

from feeds.crossposting.services import publishing


def dispatch_due_crossposts() -> str:
    """Sweep stuck rows, claim due ones, queue one publish task per claimed row."""
    queued = publishing.dispatch(enqueue=queue_publish)
    return f"queued {queued} cross-post(s)"


def queue_publish(crosspost_id: int) -> None:
    """One q2 task for one claimed cross-post."""
    async_task("feeds.crossposting.tasks.publish_crosspost", crosspost_id)


def publish_crosspost(crosspost_id: int) -> str:
    """Advance one cross-post by its state's handler."""
    return publishing.advance(crosspost_id)
