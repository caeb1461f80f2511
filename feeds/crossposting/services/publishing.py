"""Publishing cross-posts: the dispatcher and one handler per state.

The periodic job (`dispatch`) does three things in order, each atomically per row:
1. rows stuck in `publishing` past PUBLISHING_TIMEOUT go to `needs_review` (never back to
   `scheduled`: something may have gone out);
2. due `scheduled` rows are claimed (-> `publishing`), locked with SELECT ... FOR UPDATE SKIP
   LOCKED on PostgreSQL so two clusters never claim the same row (SQLite has one writer);
3. `publishing` rows whose wait is over (a back-off, a rate-limit reset, a TikTok poll) are
   claimed again.
Each claimed row gets one q2 task, which calls `advance`, which runs the handler for the
row's state. A handler never sleeps: waiting is `next_attempt_at`, picked up by step 3.
"""

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from feeds.crossposting.base import (
    AuthorisationLost,
    Content,
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

# A row in `publishing` untouched this long has lost its worker.
PUBLISHING_TIMEOUT = timedelta(minutes=15)
MAX_ATTEMPTS = 5
BACKOFF_BASE_SECONDS = 15
BACKOFF_CAP_SECONDS = 15 * 60
# TikTok: poll after 5 s, then doubling up to 2 minutes, for at most an hour.
POLL_FIRST_SECONDS = 5
POLL_CAP_SECONDS = 120
POLL_FOR = timedelta(hours=1)
CLAIM_BATCH = 1000


def backoff(attempt: int) -> timedelta:
    """Exponential back-off with jitter: about 15 s, 30 s, 60 s... never more than 15 min.
    The jitter (half to full delay) keeps retries of many rows from arriving together."""
    delay = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (attempt - 1))
    return timedelta(seconds=delay * random.uniform(0.5, 1.0))


def poll_delay(polls: int) -> timedelta:
    return timedelta(seconds=min(POLL_CAP_SECONDS, POLL_FIRST_SECONDS * 2**polls))


# The dispatcher ---------------------------------------------------------------------------


def sweep_stuck(now: datetime) -> int:
    """Move rows whose worker vanished to needs_review; return how many."""
    with transaction.atomic():
        stuck = list(
            CrossPost.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status=CrossPostStatus.PUBLISHING,
                next_attempt_at__isnull=True,
                updated_at__lt=now - PUBLISHING_TIMEOUT,
            )
            .select_related("account")
        )
        for crosspost in stuck:
            if crosspost.request_sent_at or crosspost.publish_id:
                why = (
                    f"Sosoon sent this to {crosspost.account} but stopped before saving the "
                    "answer, so it may be live. Check the account; retry only if it is not there."
                )
            else:
                why = (
                    "Publishing stalled before anything was sent to "
                    f"{crosspost.account}. Retry to send it."
                )
            _settle(crosspost, CrossPostStatus.NEEDS_REVIEW, why, notify=False)
    for crosspost in stuck:
        notify_crosspost_problem(crosspost)
    return len(stuck)


def _claim(queryset, now: datetime, **changes) -> list[int]:
    with transaction.atomic():
        ids = list(
            queryset.select_for_update(skip_locked=True).values_list("pk", flat=True)[:CLAIM_BATCH]
        )
        if ids:
            queryset.filter(pk__in=ids).update(updated_at=now, **changes)
    return ids


def claim_due(now: datetime) -> list[int]:
    """Due scheduled rows, moved to publishing; the ids of the rows this caller claimed."""
    due = CrossPost.objects.filter(
        status=CrossPostStatus.SCHEDULED, scheduled_at__lte=now
    ).order_by("scheduled_at", "pk")
    return _claim(due, now, status=CrossPostStatus.PUBLISHING, claimed_at=now)


def claim_waiting(now: datetime) -> list[int]:
    """Publishing rows whose wait is over, taken off the wait list."""
    waiting = CrossPost.objects.filter(
        status=CrossPostStatus.PUBLISHING, next_attempt_at__lte=now
    ).order_by("next_attempt_at", "pk")
    return _claim(waiting, now, next_attempt_at=None)


def dispatch(*, now: datetime | None = None, enqueue: Callable[[int], object]) -> int:
    """The periodic job's work: sweep, claim, and `enqueue` one task per claimed row."""
    now = now or timezone.now()
    sweep_stuck(now)
    claimed = claim_due(now) + claim_waiting(now)
    for crosspost_id in claimed:
        enqueue(crosspost_id)
    return len(claimed)


# One handler per state --------------------------------------------------------------------


def advance(crosspost_id: int) -> str:
    """Run the handler for the row's current state; return the state it is in afterwards."""
    crosspost = (
        CrossPost.objects.select_related("account", "post__community")
        .filter(pk=crosspost_id)
        .first()
    )
    if crosspost is None:
        return "gone"
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
        _settle(
            crosspost,
            CrossPostStatus.NEEDS_REVIEW,
            f"Sosoon sent this to {crosspost.account} but stopped before saving the answer, so "
            "it may be live. Check the account; retry only if it is not there.",
        )
        return
    if not _still_public(crosspost):
        _settle(
            crosspost,
            CrossPostStatus.CANCELLED,
            "Cancelled: the post is no longer public, so it cannot be cross-posted.",
        )
        return
    if crosspost.publish_id:
        _poll(crosspost)
    else:
        _send(crosspost)


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
    return Content(
        text=crosspost.text,
        media=[
            Media(
                url=item["url"],
                path=item["path"],
                content_type=item["type"],
                alt_text=crosspost.alt_text,
            )
            for item in crosspost.media
        ],
        title=crosspost.title,
        link=crosspost.link,
        alt_text=crosspost.alt_text,
        board_id=crosspost.board_id,
        privacy_level=crosspost.privacy_level,
    )


def _mark_sent(crosspost: CrossPost) -> bool:
    """Record, durably, that the create request is about to leave. False when another worker
    got there first (the row is then theirs)."""
    now = timezone.now()
    marked = CrossPost.objects.filter(
        pk=crosspost.pk,
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
            mark_reauth_required(account, error.reason)
            raise


def _send(crosspost: CrossPost) -> None:
    account = crosspost.account
    if not account.can_publish:
        _settle(
            crosspost,
            CrossPostStatus.FAILED,
            f"{account} is not connected any more; reconnect it, then retry.",
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
    """Another worker marked this row sent first."""


def _poll(crosspost: CrossPost) -> None:
    provider = provider_for(crosspost.account.platform)
    try:
        outcome = _with_token(
            crosspost, lambda token: provider.fetch_status(token, crosspost.publish_id)
        )
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
            f"{crosspost.account.get_platform_display()} accepted the post but was still "
            "processing it after an hour. Check the account; retry to keep waiting.",
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
        _settle(crosspost, CrossPostStatus.NEEDS_REVIEW, error.reason)
    elif isinstance(error, AuthorisationLost | TokenRejected):
        _settle(
            crosspost,
            CrossPostStatus.FAILED,
            f"{crosspost.account} needs to be reconnected ({error.reason}). Reconnect it, then "
            "retry.",
        )
    elif isinstance(error, Rejected):
        _settle(crosspost, CrossPostStatus.FAILED, error.reason)
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
            f"Gave up after {attempts} attempts. Last answer: {error.reason} Retry later.",
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
        attempts=attempts, next_attempt_at=wait_until, reason=error.reason, updated_at=now
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
        updated_at=now,
    )
    crosspost.status = CrossPostStatus.PUBLISHED


def _settle(
    crosspost: CrossPost, status: str, reason: str, *, notify: bool = True, **changes
) -> None:
    """Move the row to a state only a person moves it out of, saying why."""
    now = timezone.now()
    CrossPost.objects.filter(pk=crosspost.pk).update(
        status=status, reason=reason, next_attempt_at=None, updated_at=now, **changes
    )
    crosspost.status, crosspost.reason = status, reason
    if notify:
        notify_crosspost_problem(crosspost)
