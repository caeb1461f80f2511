"""Publishing cross-posts: the dispatcher, the publish batches, and one handler per state.

The periodic job (`dispatch`) runs at every wake of q2's scheduler (every 30 s) and does three
things in order, each atomically per row:
1. rows in `publishing` whose task is gone are recovered (`recover_lost`): one whose request
   may have left goes to `needs_review` (something may have gone out: never send it twice
   blindly); one never sent is claimed again and queued;
2. `scheduled` rows due before the scheduler's next wake are claimed (-> `publishing`), locked
   with SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL so two clusters never claim the same
   row (SQLite has one writer);
3. `publishing` rows whose wait is over (a back-off, a rate-limit reset, a TikTok poll) are
   claimed again.
The claimed rows go out in batches of SOSOON_CROSSPOST_CONCURRENCY, one q2 task each
(`publish_batch`), which runs `advance` for every row, side by side, once the row's time has
come. Each claim raises the row's `claim`, and a task acts only on rows still under the claim
it was queued with. `advance` runs the handler for the row's state. A handler never sleeps:
waiting for a retry is `next_attempt_at`, picked up by step 3.

Why it is built this way: the issue asks for a post to leave within 35 s (p99) of its time,
and q2's scheduler wakes only every 30 s. Two things would otherwise stack on top of that wake:
- the wake itself: a post due just after a wake would wait up to 30 s for the next one. So
  step 2 claims ahead, up to one wake interval, and the batch holding a row not yet due waits
  for it (by the same clock `on_publishing` checks: never early). The cost is a worker that
  waits up to 30 s when something falls due before the next wake; that stays far inside q2's
  120 s task timeout, and a claimed row can no longer be cancelled from the list (it shows as
  publishing) in the half minute before its time.
- throughput: one row per task means one request in flight per worker, so two workers need
  over a minute for 1,000 posts due together (a publish is mostly waiting on the network:
  50-200 ms against the fakes, often more against the real APIs). A batch's rows each get a
  thread, so a worker has up to SOSOON_CROSSPOST_CONCURRENCY requests in flight. Threads, not
  an async client: each thread runs the same synchronous handlers, the row's state machine
  is untouched, and every write stays one short statement, which SQLite (one writer, WAL,
  IMMEDIATE transactions) serialises without "database is locked". One thread per row (the
  batch is no larger than the pool) keeps a task's running time to the wait plus one row's.
  (A request also no longer rebuilds the TLS trust store: calls.tls.)
Measured with tests/bench/bench_crosspost.py (1,000 due at once, two workers, fakes at
50-200 ms): p99 lag from 122 s to 12-13 s on SQLite, from 105 s to 12-16 s on PostgreSQL +
Redis; 50 posts due over two minutes, p99 from 29-30 s to under 1 s.
The dispatch job itself, queued behind 1,000 one-row tasks, finished up to 78 s after the
scheduler queued it (so retries and newly due rows waited too); now it takes under 1 s.

How a lost task is found: q2 kills a task still running at its timeout (Q_CLUSTER["timeout"]),
and a row's task writes `updated_at` when the row is claimed, marked sent, or set waiting. So
a row in `publishing`, not waiting, untouched for longer than the timeout has no live task:
its worker was killed, its task vanished with a killed cluster (the Redis broker keeps no
receipt), or the task failed. The next wake finds it, so within the timeout plus 30 s. The
ORM broker would hand such a task to another worker after Q_CLUSTER["retry"]; that copy
carries the same claim, and finds the row either recovered already or as it was left.
"""

import logging
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from feeds.crossposting import photos
from feeds.crossposting.base import (
    AuthorisationLost,
    Content,
    FailedTryAgain,
    Media,
    OutcomeUnknown,
    Pending,
    ProviderError,
    Published,
    RateLimited,
    Rejected,
    TemporaryFailure,
    TokenRejected,
)
from feeds.crossposting.models import CrossPost, CrossPostStatus
from feeds.crossposting.providers import provider_for
from feeds.crossposting.services.accounts import (
    fresh_access_token,
    mark_reauth_required,
    refresh_account,
)
from feeds.crossposting.services.notices import notify_crosspost_problem
from sosoon_site.languages import ReadersWords, in_english, words_of

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF_BASE_SECONDS = 15
BACKOFF_CAP_SECONDS = 15 * 60
# TikTok: poll after 5 s, then doubling up to 2 minutes, for at most an hour.
POLL_FIRST_SECONDS = 5
POLL_CAP_SECONDS = 120
POLL_FOR = timedelta(hours=1)
CLAIM_BATCH = 1000
# How often q2's scheduler wakes (fixed in django_q's cluster guard loop), so how far ahead
# the dispatcher claims: whatever falls due before its next run.
SCHEDULER_WAKE = timedelta(seconds=30)


def backoff(attempt: int) -> timedelta:
    """Exponential back-off with jitter: about 15 s, 30 s, 60 s... never more than 15 min.
    The jitter (half to full delay) keeps retries of many rows from arriving together."""
    delay = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (attempt - 1))
    return timedelta(seconds=delay * random.uniform(0.5, 1.0))


def poll_delay(polls: int) -> timedelta:
    return timedelta(seconds=min(POLL_CAP_SECONDS, POLL_FIRST_SECONDS * 2**polls))


# The dispatcher ---------------------------------------------------------------------------


def task_timeout() -> timedelta:
    """q2's task timeout: no task runs longer, so a row untouched for longer has no live task."""
    return timedelta(seconds=settings.Q_CLUSTER["timeout"])


def recover_lost(now: datetime) -> dict[int, int]:
    """Rows whose task is gone: those that may have been sent go to needs_review (the owner
    is told); those never sent are claimed again, {id: claim}, for queueing."""
    lost = CrossPost.objects.filter(
        status=CrossPostStatus.PUBLISHING,
        next_attempt_at__isnull=True,
        updated_at__lt=now - task_timeout(),
    )
    with transaction.atomic():
        stopped = list(
            lost.filter(request_sent_at__isnull=False)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("account", "post__community")[:CLAIM_BATCH]
        )
        for crosspost in stopped:
            _settle(
                crosspost,
                CrossPostStatus.NEEDS_REVIEW,
                _stopped_while_sending(crosspost),
                notify=False,
            )
    for crosspost in stopped:
        notify_crosspost_problem(crosspost)
    never_sent = lost.filter(request_sent_at__isnull=True).order_by("scheduled_at", "pk")
    return {
        **_claim(
            never_sent.filter(publish_id=""),
            now,
            reason=gettext_noop("The worker stopped before sending this, so it was queued again."),
            reason_words=None,
        ),
        # Accepted by TikTok already: asking how it is doing again is safe.
        **_claim(never_sent.exclude(publish_id=""), now),
    }


def _stopped_while_sending(crosspost: CrossPost) -> ReadersWords:
    return ReadersWords(
        gettext_noop(
            "The worker stopped while publishing to %(account)s, so it may be live. "
            "Check the account before retrying."
        ),
        {"account": crosspost.account.words},
    )


def _claim(queryset, now: datetime, **changes) -> dict[int, int]:
    """Claim the rows no other dispatcher holds, in the queryset's order: {id: claim}."""
    with transaction.atomic():
        ids = list(
            queryset.select_for_update(skip_locked=True).values_list("pk", flat=True)[:CLAIM_BATCH]
        )
        if not ids:
            return {}
        queryset.filter(pk__in=ids).update(claim=F("claim") + 1, updated_at=now, **changes)
        claims = dict(CrossPost.objects.filter(pk__in=ids).values_list("pk", "claim"))
    return {pk: claims[pk] for pk in ids}


def claim_due(now: datetime) -> dict[int, int]:
    """Scheduled rows due before the scheduler's next wake, moved to publishing; {id: claim}
    of the rows this caller claimed, soonest first."""
    due = CrossPost.objects.filter(
        status=CrossPostStatus.SCHEDULED, scheduled_at__lte=now + SCHEDULER_WAKE
    ).order_by("scheduled_at", "pk")
    return _claim(due, now, status=CrossPostStatus.PUBLISHING, claimed_at=now)


def claim_waiting(now: datetime) -> dict[int, int]:
    """Publishing rows whose wait is over, taken off the wait list."""
    waiting = CrossPost.objects.filter(
        status=CrossPostStatus.PUBLISHING, next_attempt_at__lte=now
    ).order_by("next_attempt_at", "pk")
    return _claim(waiting, now, next_attempt_at=None)


def dispatch(*, now: datetime | None = None, enqueue: Callable[[dict[int, int]], object]) -> int:
    """The periodic job's work: recover, claim, and `enqueue` the claims ({id: claim}) in
    batches of at most SOSOON_CROSSPOST_CONCURRENCY, soonest first; how many rows were
    claimed. It stays fast whatever is due: a few statements per claim, one enqueue per batch."""
    now = now or timezone.now()
    size = settings.SOSOON_CROSSPOST_CONCURRENCY
    claimed = 0
    for claims in (recover_lost(now), claim_due(now), claim_waiting(now)):
        items = list(claims.items())
        for start in range(0, len(items), size):
            enqueue(dict(items[start : start + size]))
        claimed += len(items)
    return claimed


def publish_batch(claims: dict[int, int]) -> dict[int, str]:
    """Advance each claimed row once its time has come, the rows side by side; the state each
    is in afterwards. Precondition: the dispatcher claimed these rows; `claims` maps each id
    to the claim it was queued under.

    A lone row runs on the calling thread. Otherwise each row gets a thread and, through
    Django, a database connection of its own, closed when the row is done so no connection
    outlives its thread. An error in one row does not stop the others; the first is raised
    once all have finished, so q2 records the task as failed."""
    due = dict(CrossPost.objects.filter(pk__in=claims).values_list("pk", "scheduled_at"))
    if len(claims) == 1:
        ((crosspost_id, claim),) = claims.items()
        return {crosspost_id: _advance_when_due(crosspost_id, claim, due.get(crosspost_id))}
    with ThreadPoolExecutor(max_workers=len(claims), thread_name_prefix="crosspost") as pool:
        futures = {
            crosspost_id: pool.submit(
                _advance_on_own_thread, crosspost_id, claim, due.get(crosspost_id)
            )
            for crosspost_id, claim in claims.items()
        }
    return {crosspost_id: future.result() for crosspost_id, future in futures.items()}


def _advance_on_own_thread(crosspost_id: int, claim: int, due: datetime | None) -> str:
    try:
        return _advance_when_due(crosspost_id, claim, due)
    finally:
        connections.close_all()  # this thread's connections only


def _advance_when_due(crosspost_id: int, claim: int, due: datetime | None) -> str:
    """`advance`, after sleeping until `due` by the wall clock `on_publishing` checks. A loop,
    because sleeping measures elapsed time and the wall clock may have been set back."""
    while due is not None and (left := (due - timezone.now()).total_seconds()) > 0:
        time.sleep(left)
    return advance(crosspost_id, claim=claim)


# One handler per state --------------------------------------------------------------------


def advance(crosspost_id: int, *, claim: int | None = None) -> str:
    """Run the handler for the row's current state; return the state it is in afterwards.
    A publish task passes the `claim` it was queued under: a row claimed again since then
    belongs to a newer task, and this one leaves it alone."""
    crosspost = (
        CrossPost.objects.select_related("account", "post__community")
        .filter(pk=crosspost_id)
        .first()
    )
    if crosspost is None:
        return "gone"
    if claim is not None and crosspost.claim != claim:
        return "claimed again"
    HANDLERS[crosspost.status](crosspost)
    return crosspost.status


def on_scheduled(crosspost: CrossPost) -> None:
    """Nothing: a scheduled row moves on only when the dispatcher claims it, once it is due."""


def on_settled(crosspost: CrossPost) -> None:
    """published, failed, cancelled and needs_review change only by a person's action."""


def on_publishing(crosspost: CrossPost) -> None:
    """Send the post, or (TikTok) ask how an accepted one is doing."""
    if crosspost.next_attempt_at is not None:
        return  # waiting; the dispatcher brings it back
    if crosspost.request_sent_at is not None:
        _settle(crosspost, CrossPostStatus.NEEDS_REVIEW, _stopped_while_sending(crosspost))
        return
    if not _still_public(crosspost):
        _settle(
            crosspost,
            CrossPostStatus.CANCELLED,
            gettext_noop("Cancelled: the post is no longer public, so it cannot be cross-posted."),
        )
        return
    if crosspost.publish_id:
        _poll(crosspost)
    elif crosspost.scheduled_at > timezone.now():
        _wait_for_its_time(crosspost)
    else:
        _send(crosspost)


def _wait_for_its_time(crosspost: CrossPost) -> None:
    """Claimed ahead, but reached before its time (by a task run by hand, or after the wall
    clock was set back): never early, so it waits like a back-off and the dispatcher brings it
    back once it is due."""
    CrossPost.objects.filter(
        pk=crosspost.pk, status=CrossPostStatus.PUBLISHING, next_attempt_at__isnull=True
    ).update(next_attempt_at=crosspost.scheduled_at, updated_at=timezone.now())
    crosspost.next_attempt_at = crosspost.scheduled_at


HANDLERS: dict[str, Callable[[CrossPost], None]] = {
    CrossPostStatus.SCHEDULED: on_scheduled,
    CrossPostStatus.PUBLISHING: on_publishing,
    CrossPostStatus.PUBLISHED: on_settled,
    CrossPostStatus.FAILED: on_settled,
    CrossPostStatus.CANCELLED: on_settled,
    CrossPostStatus.NEEDS_REVIEW: on_settled,
}


def _still_public(crosspost: CrossPost) -> bool:
    """Asked of the audience policy, as every surface does: may a signed-out visitor see it?"""
    from feeds.models import Post

    return Post.objects.visible_to(AnonymousUser()).live().filter(pk=crosspost.post_id).exists()


def content_of(crosspost: CrossPost) -> Content:
    """What is sent for `crosspost`, in the platform's fields: the one place a cross-post
    (saved, or a draft the composer previews) becomes a provider's Content, so what is
    validated and previewed is what is published."""
    from feeds.models import PostImage

    pixels = {
        pk: (width, height)
        for pk, width, height in PostImage.objects.filter(
            pk__in=[item["image"] for item in crosspost.media]
        ).values_list("pk", "width", "height")
    }
    return Content(
        text=crosspost.text,
        media=[
            Media(
                url=item["url"],
                path=item["path"],
                content_type=item["type"],
                alt_text=crosspost.alt_text,
                jpeg_url=photos.jpeg_url(item["url"], crosspost.post_id, item["image"]),
                size=_stored_size(item["path"]),
                width=pixels.get(item["image"], (0, 0))[0],
                height=pixels.get(item["image"], (0, 0))[1],
            )
            for item in crosspost.media
        ],
        title=crosspost.title,
        link=crosspost.link,
        alt_text=crosspost.alt_text,
        board_id=crosspost.board_id,
        privacy_level=crosspost.privacy_level,
        allow_comments=crosspost.allow_comments,
        auto_add_music=crosspost.auto_add_music,
    )


def _stored_size(path: str) -> int:
    """The stored image's size in bytes, or 0 when it cannot be read (the upload then says
    what is wrong with it)."""
    from feeds.models import private_storage

    try:
        return private_storage.size(path)
    except (OSError, ValueError):
        return 0


def _mark_sent(crosspost: CrossPost) -> bool:
    """Record, durably, that the create request is about to leave. False when another worker
    got there first, or the row was claimed again (the row is then theirs)."""
    now = timezone.now()
    marked = CrossPost.objects.filter(
        pk=crosspost.pk,
        claim=crosspost.claim,
        status=CrossPostStatus.PUBLISHING,
        request_sent_at__isnull=True,
        next_attempt_at__isnull=True,
    ).update(request_sent_at=now, updated_at=now)
    crosspost.request_sent_at = now
    return bool(marked)


def _unmark_sent(crosspost: CrossPost) -> None:
    """The provider answered that nothing was created: sending again is safe."""
    CrossPost.objects.filter(pk=crosspost.pk).update(request_sent_at=None)
    crosspost.request_sent_at = None


def _with_token(crosspost: CrossPost, call: Callable[[str], object]) -> object:
    """`call(access_token)`; on a 401, refresh once under the account's lock and call again.
    A second 401 means the platform no longer accepts this connection."""
    account = crosspost.account
    token = fresh_access_token(account)
    try:
        return call(token)
    except TokenRejected:
        account = refresh_account(account.pk, stale_access_token=token)
        crosspost.account = account
        try:
            return call(account.access_token)
        except TokenRejected as error:
            mark_reauth_required(account, error.words)
            raise


def _send(crosspost: CrossPost) -> None:
    account = crosspost.account
    if not account.can_publish:
        _settle(
            crosspost,
            CrossPostStatus.FAILED,
            ReadersWords(
                gettext_noop("%(account)s is not connected any more; reconnect it, then retry."),
                {"account": account.words},
            ),
        )
        return
    provider = provider_for(account.platform)
    content = content_of(crosspost)

    def publish(token: str):
        if not _mark_sent(crosspost):
            raise _AlreadyTaken
        try:
            return provider.publish(token, content)
        except OutcomeUnknown:
            raise
        except ProviderError:
            _unmark_sent(crosspost)
            raise
        except Exception as error:
            # An answer the client could not read (a network answering outside its
            # specification, or a bug of ours): the request left, so the post may be live.
            # The row says so at once rather than waiting, stuck, for the lost-task sweep.
            logger.exception("Unreadable answer publishing cross-post %s", crosspost.pk)
            raise OutcomeUnknown(
                ReadersWords(
                    gettext_noop(
                        "%(network)s answered in a form Sosoon could not read, so it cannot "
                        "tell whether the post went out. Check the account before retrying."
                    ),
                    {"network": provider.label},
                )
            ) from error

    try:
        outcome = _with_token(crosspost, publish)
    except _AlreadyTaken:
        return
    except ProviderError as error:
        _handle_error(crosspost, error)
        return
    if isinstance(outcome, Pending):
        # Saved before the first poll: a restart resumes polling instead of posting again.
        now = timezone.now()
        CrossPost.objects.filter(pk=crosspost.pk).update(
            publish_id=outcome.publish_id,
            request_sent_at=None,
            next_attempt_at=now + poll_delay(0),
            updated_at=now,
        )
        return
    _published(crosspost, outcome)


class _AlreadyTaken(Exception):
    """Another worker marked this row sent first, or the row was claimed again."""


def _poll(crosspost: CrossPost) -> None:
    provider = provider_for(crosspost.account.platform)
    try:
        outcome = _with_token(
            crosspost, lambda token: provider.fetch_status(token, crosspost.publish_id)
        )
    except FailedTryAgain as error:
        # Nothing went online: forget the failed publish, and send it again after a back-off.
        CrossPost.objects.filter(pk=crosspost.pk).update(publish_id="", polls=0)
        crosspost.publish_id, crosspost.polls = "", 0
        _retry_later(crosspost, error)
        return
    except (TemporaryFailure, RateLimited, OutcomeUnknown):
        outcome = Pending(publish_id=crosspost.publish_id)
    except ProviderError as error:
        _handle_error(crosspost, error)
        return
    if isinstance(outcome, Published):
        _published(crosspost, outcome)
        return
    now = timezone.now()
    if crosspost.claimed_at and now - crosspost.claimed_at > POLL_FOR:
        _settle(
            crosspost,
            CrossPostStatus.NEEDS_REVIEW,
            ReadersWords(
                gettext_noop(
                    "%(network)s accepted the post but was still processing it after an hour. "
                    "Check the account; retry to keep waiting."
                ),
                {"network": crosspost.account.get_platform_display()},
            ),
        )
        return
    CrossPost.objects.filter(pk=crosspost.pk).update(
        polls=crosspost.polls + 1,
        next_attempt_at=now + poll_delay(crosspost.polls + 1),
        updated_at=now,
    )


def _handle_error(crosspost: CrossPost, error: ProviderError) -> None:
    """What each kind of provider error means for the row."""
    if isinstance(error, OutcomeUnknown):
        _settle(crosspost, CrossPostStatus.NEEDS_REVIEW, error.words)
    elif isinstance(error, AuthorisationLost | TokenRejected):
        _settle(
            crosspost,
            CrossPostStatus.FAILED,
            ReadersWords(
                gettext_noop(
                    "%(account)s needs to be reconnected (%(answer)s). Reconnect it, then retry."
                ),
                {"account": crosspost.account.words, "answer": error.words},
            ),
        )
    elif isinstance(error, Rejected):
        _settle(crosspost, CrossPostStatus.FAILED, error.words)
    elif isinstance(error, RateLimited | TemporaryFailure):
        _retry_later(crosspost, error)
    else:
        raise error


def _retry_later(crosspost: CrossPost, error: ProviderError) -> None:
    attempts = crosspost.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        _settle(
            crosspost,
            CrossPostStatus.FAILED,
            ReadersWords(
                gettext_noop(
                    "Gave up after %(attempts)s attempts. Last answer: %(answer)s Retry later."
                ),
                {"attempts": attempts, "answer": error.words},
            ),
            attempts=attempts,
        )
        return
    now = timezone.now()
    if isinstance(error, RateLimited):
        # A little jitter past the reset, so many rows waiting on one limit spread out.
        wait_until = max(error.retry_at, now) + timedelta(seconds=random.uniform(0, 5))
    else:
        wait_until = now + backoff(attempts)
    CrossPost.objects.filter(pk=crosspost.pk).update(
        attempts=attempts,
        next_attempt_at=wait_until,
        reason=error.reason,
        reason_words=error.words.payload(),
        updated_at=now,
    )


def _published(crosspost: CrossPost, outcome: Published) -> None:
    provider = provider_for(crosspost.account.platform)
    now = timezone.now()
    CrossPost.objects.filter(pk=crosspost.pk).update(
        status=CrossPostStatus.PUBLISHED,
        external_id=outcome.external_id,
        external_url=provider.post_url(
            handle=crosspost.account.handle, external_id=outcome.external_id
        ),
        published_at=now,
        request_sent_at=None,
        next_attempt_at=None,
        reason="",
        reason_words=None,
        updated_at=now,
    )
    crosspost.status = CrossPostStatus.PUBLISHED


def _settle(
    crosspost: CrossPost,
    status: str,
    reason: str | ReadersWords,
    *,
    notify: bool = True,
    **changes,
) -> None:
    """Move the row to a state only a person moves it out of, saying why: in English in
    `reason`, and as words each reader reads in their language in `reason_words`."""
    now = timezone.now()
    words = words_of(reason)
    crosspost.status, crosspost.reason, crosspost.reason_words = (
        status,
        in_english(words),
        words.payload(),
    )
    CrossPost.objects.filter(pk=crosspost.pk).update(
        status=status,
        reason=crosspost.reason,
        reason_words=crosspost.reason_words,
        next_attempt_at=None,
        updated_at=now,
        **changes,
    )
    if notify:
        notify_crosspost_problem(crosspost)
