"""django-q2 jobs of the outbox: deliver one message now, and the periodic sweep."""

from django.conf import settings

from sosoon_site.mail import outbox


def _run_seconds() -> float:
    """Half of q2's timeout, so a run always ends (and records its outcome) before q2 would
    hand the task to another worker."""
    return settings.Q_CLUSTER["timeout"] / 2


def deliver_mail(mail_id: int) -> str:
    """Send one message queued by the outbox just after its request committed."""
    sent = outbox.deliver_due(mail_id=mail_id, seconds=_run_seconds())
    return "sent" if sent else "not sent (see the outbox)"


def sweep_outbox() -> str:
    """Send what is due (retries, and messages whose task was lost), put back messages of a
    stopped worker, and delete old sent mail."""
    recovered = outbox.recover_interrupted()
    sent = outbox.deliver_due(seconds=_run_seconds())
    pruned = outbox.prune_sent()
    return f"sent {sent}, recovered {recovered}, pruned {pruned}"
