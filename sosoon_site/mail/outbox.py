"""Persist first, deliver second: mail is saved with the work that caused it, then sent by
background jobs that claim one message at a time, so no message is sent twice.

`queue_mail` runs in the sender's request and transaction: a rolled-back sign-up leaves no
mail, a committed one always has its mail. After commit a django-q2 task delivers it at once;
if that task cannot be queued (broker down) or its attempt fails (mail server down), the
periodic sweep (sosoon_site/jobs.py) tries again with growing delays, until it is sent or has
failed `SOSOON_MAIL_MAX_ATTEMPTS` times. Staff see pending and failed mail, with the last
error, in the admin.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from sosoon_site.mail.failures import Failure, failure_of
from sosoon_site.mail.messages import message_from, record_of
from sosoon_site.mail.models import MailStatus, OutgoingMail

logger = logging.getLogger(__name__)

# Retries double from SOSOON_MAIL_RETRY_SECONDS up to this delay.
LONGEST_RETRY_DELAY = timedelta(hours=1)
# Sent mail is kept this long for staff to look up, then deleted (it may hold sign-in links).
SENT_KEPT = timedelta(days=7)


def queue_mail(message: EmailMessage) -> OutgoingMail:
    """Save `message` in the caller's transaction and queue its delivery once that commits."""
    record = record_of(message)
    mail = OutgoingMail.objects.create(
        subject=record["subject"][:300],
        recipients=message.recipients(),
        message=record,
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(lambda: enqueue_delivery(mail.pk))
    return mail


def enqueue_delivery(mail_id: int) -> None:
    """Queue the task that sends `mail_id` now. A broker that cannot take it loses nothing:
    the message is saved and the sweep sends it."""
    try:
        async_task("sosoon_site.mail.tasks.deliver_mail", mail_id)
    except Exception:
        logger.warning("Could not queue mail %s; the outbox sweep will send it.", mail_id)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    first = timedelta(seconds=settings.SOSOON_MAIL_RETRY_SECONDS)
    return min(first * 2 ** max(attempts - 1, 0), LONGEST_RETRY_DELAY)


def _claim(mail_id: int | None) -> OutgoingMail | None:
    """Take one due message (`mail_id`, or the longest waiting) and mark it `sending`.

    Found and marked in one transaction: on PostgreSQL the row lock (skipping rows another
    worker holds) and on SQLite the immediate write transaction let only one worker take it.
    """
    now = timezone.now()
    with transaction.atomic():
        due = OutgoingMail.objects.select_for_update(skip_locked=True).filter(
            status=MailStatus.PENDING, next_attempt_at__lte=now
        )
        if mail_id is not None:
            due = due.filter(pk=mail_id)
        mail = due.order_by("next_attempt_at", "pk").first()
        if mail is None:
            return None
        mail.status = MailStatus.SENDING
        mail.claimed_at = now
        mail.attempts += 1
        mail.save(update_fields=["status", "claimed_at", "attempts"])
    return mail


def _record_sent(mail: OutgoingMail) -> None:
    OutgoingMail.objects.filter(pk=mail.pk, status=MailStatus.SENDING).update(
        status=MailStatus.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error=""
    )


def _record_failure(mail: OutgoingMail, failure: Failure) -> None:
    final = failure.permanent or mail.attempts >= settings.SOSOON_MAIL_MAX_ATTEMPTS
    reason = failure.reason
    if final and not failure.permanent:
        reason += f" Gave up after {mail.attempts} attempts."
    OutgoingMail.objects.filter(pk=mail.pk, status=MailStatus.SENDING).update(
        status=MailStatus.FAILED if final else MailStatus.PENDING,
        next_attempt_at=None if final else timezone.now() + retry_delay(mail.attempts),
        last_error=reason,
    )
    logger.warning("Mail %s to %s not sent: %s", mail.pk, mail.recipients, reason)


def _server_name(connection) -> str:
    host, port = getattr(connection, "host", None), getattr(connection, "port", None)
    return f"{host}:{port}" if host else type(connection).__module__


def deliver_due(*, mail_id: int | None = None, seconds: float) -> int:
    """Send due messages (only `mail_id` when given) over one connection until none is due,
    `seconds` have passed, or the server fails; the number sent.

    A failure that may be the server's (down, timing out, refusing the login) stops the run:
    the other messages keep their turn instead of each paying an attempt.
    """
    connection = get_connection(settings.SOSOON_MAIL_DELIVERY_BACKEND, fail_silently=False)
    server = _server_name(connection)
    deadline = time.monotonic() + seconds
    sent, opened = 0, False
    try:
        while time.monotonic() < deadline:
            mail = _claim(mail_id)
            if mail is None:
                break
            try:
                if not opened:
                    connection.open()
                    opened = True
                connection.send_messages([message_from(mail.message, connection=connection)])
            except Exception as error:
                failure = failure_of(error, server=server)
                _record_failure(mail, failure)
                if not failure.permanent:
                    break
            else:
                _record_sent(mail)
                sent += 1
            if mail_id is not None:
                break
    finally:
        if opened:
            _close_quietly(connection)
    return sent


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:
        logger.info("The mail server connection did not close cleanly.")


def recover_interrupted() -> int:
    """Put back messages whose sending worker stopped mid-attempt (past q2's timeout plus a
    minute, no worker still holds them); the number put back. The outcome is unknown, so the
    reason says the recipient may get the message twice."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.Q_CLUSTER["timeout"]) - timedelta(minutes=1)
    return OutgoingMail.objects.filter(status=MailStatus.SENDING, claimed_at__lt=cutoff).update(
        status=MailStatus.PENDING,
        next_attempt_at=now,
        last_error=(
            "The worker sending this stopped before it finished; sending it again, so the "
            "recipient may receive it twice."
        ),
    )


def prune_sent() -> int:
    """Delete sent mail older than SENT_KEPT; the number deleted."""
    cutoff = timezone.now() - SENT_KEPT
    deleted, _ = OutgoingMail.objects.filter(status=MailStatus.SENT, sent_at__lt=cutoff).delete()
    return deleted


def retry_now(queryset) -> int:
    """Staff's "send again": failed or waiting messages become due now with fresh attempts."""
    return queryset.filter(status__in=[MailStatus.FAILED, MailStatus.PENDING]).update(
        status=MailStatus.PENDING, next_attempt_at=timezone.now(), attempts=0
    )
