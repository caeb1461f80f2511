"""Reading published cross-posts' public counts within each network's rate limits.

Every minute the sweep (`plan_readings`) starts a watch for each newly published cross-post,
takes the watches that are due, and hands them out per connected account, as many as the
account's bucket (limits.py) allows in one window: a bucket's budget is spent when the read is
planned, under the bucket's row lock, so two sweeps never spend it twice. The planned watches
are leased (moved `LEASE` ahead) so the next sweep leaves them alone while their read
(`read_metrics`, one q2 task per account) runs.

A network counts its window from the first request it receives, which comes some time after
the plan, and a read may take longer than a window; so a bucket's next window opens only once
every read of the last one has finished and a full window (with its margin) has passed since
its last request. Then any span of one window holds the requests of one plan at most, which
keeps within a fixed window however it is aligned, and within a sliding one. (A read lost
with its worker frees its bucket once its lease has run out.)

A read asks the provider (`fetch_metrics`, as many ids per call as the network takes) and
saves one sample per cross-post, with Sosoon's own visits and joins at that moment. Each
answer's rate-limit headers (X's x-rate-limit-remaining / -reset, base.Quota) are honoured
as well as the documented limit: the network's count wins where it has counted more (another
app or client may share the account's quota), and once it says no request remains, the read
stops before sending another and the bucket pauses until the reset it named, so the 429 is
never provoked. A 429 all the same pauses the whole bucket until the reset the network named
and moves everything that was waiting on it there; a 401 refreshes the token once; other
refusals are noted on the watch in words the owner can act on. How often a cross-post is
read falls with its age (`CADENCE`), and after `LAST_READING` it is read no more.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_noop

from feeds.crossposting.base import (
    METRIC_NAMES,
    AuthorisationLost,
    ProviderError,
    Quota,
    RateLimited,
    Rejected,
    TokenRejected,
)
from feeds.crossposting.metrics.limits import LIMITS, Limit, bucket_for
from feeds.crossposting.metrics.models import CrossPostMetric, MetricsWatch, RateWindow
from feeds.crossposting.models import AccountStatus, CrossPost, CrossPostStatus, ExternalAccount
from feeds.crossposting.providers import provider_for
from feeds.crossposting.services import tracking
from feeds.crossposting.services.accounts import (
    fresh_access_token,
    mark_reauth_required,
    refresh_account,
)
from sosoon_site.languages import ReadersWords, in_english, in_reader_language, words_of

# (age since publishing below which, read every): hourly on the first day, when counts move.
CADENCE = (
    (timedelta(days=1), timedelta(hours=1)),
    (timedelta(days=7), timedelta(hours=6)),
    (timedelta(days=30), timedelta(days=1)),
)
LAST_READING = CADENCE[-1][0]
# How long a planned read holds its watches before another sweep may plan them again.
LEASE = timedelta(minutes=10)
# After a network error or an unreachable network, try again this much later.
TEMPORARY_WAIT = timedelta(minutes=5)


def not_available(label: str) -> ReadersWords:
    return ReadersWords(
        gettext_noop("Not available: %(label)s reports no public counts for posts like this one."),
        {"label": label},
    )


def missing(label: str) -> ReadersWords:
    return ReadersWords(
        gettext_noop("%(label)s no longer shows this post (deleted, or hidden from the public)."),
        {"label": label},
    )


def _noted(watch: MetricsWatch, note: ReadersWords | str) -> MetricsWatch:
    """Put why the counts cannot be read on `watch` (not saved): in English, and as words
    each reader reads in their language."""
    words = words_of(note)
    watch.note, watch.note_words = in_english(words), words.payload()
    return watch


def next_reading(published_at: datetime | None, now: datetime) -> datetime | None:
    """When a cross-post published at `published_at` is read after a reading at `now`."""
    age = now - (published_at or now)
    for below, every in CADENCE:
        if age < below:
            return now + every
    return None


@dataclass(frozen=True)
class Planned:
    """One read to queue: an account and the cross-posts it reads."""

    account_id: int
    crosspost_ids: list[int]


def watch_new_publications(*, now: datetime) -> int:
    """Start a watch, due now, for each published cross-post that has none; a network that
    reports no counts for such posts gets the plain note and no readings."""
    rows = (
        CrossPost.objects.filter(status=CrossPostStatus.PUBLISHED, metrics_watch__isnull=True)
        .exclude(external_id="")
        .values_list("pk", "account__platform")
    )
    watches = []
    for crosspost_id, platform in rows:
        provider = provider_for(platform)
        if provider.metric_names:
            watches.append(MetricsWatch(crosspost_id=crosspost_id, next_fetch_at=now))
        else:
            watches.append(
                _noted(MetricsWatch(crosspost_id=crosspost_id), not_available(provider.label))
            )
    MetricsWatch.objects.bulk_create(watches, ignore_conflicts=True)
    return len(watches)


def plan_readings(
    *, now: datetime | None = None, limits: dict[str, Limit] = LIMITS
) -> list[Planned]:
    """The reads to queue now, within every bucket's budget; their watches are leased and
    their requests counted against the buckets before this returns."""
    now = now or timezone.now()
    watch_new_publications(now=now)
    with transaction.atomic():
        due = list(
            MetricsWatch.objects.filter(
                next_fetch_at__lte=now,
                crosspost__account__disconnected_at__isnull=True,
            )
            .exclude(crosspost__account__status=AccountStatus.REAUTH_REQUIRED)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("next_fetch_at", "pk")
            .values_list("crosspost_id", "crosspost__account_id", "crosspost__account__platform")
        )
        by_bucket: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        platforms: dict[str, str] = {}
        for crosspost_id, account_id, platform in due:
            bucket = bucket_for(platform, account_id, limits)
            by_bucket[bucket][account_id].append(crosspost_id)
            platforms[bucket] = platform
        planned: list[Planned] = []
        for bucket, accounts in by_bucket.items():
            planned.extend(
                _spend(bucket, accounts, limits[platforms[bucket]], platforms[bucket], now)
            )
        leased = [crosspost_id for read in planned for crosspost_id in read.crosspost_ids]
        MetricsWatch.objects.filter(crosspost_id__in=leased).update(next_fetch_at=now + LEASE)
    return planned


def _spend(
    bucket: str, accounts: dict[int, list[int]], limit: Limit, platform: str, now: datetime
) -> list[Planned]:
    """As many of `accounts`' due reads as the bucket's budget has room for; spends it."""
    window, _created = RateWindow.objects.select_for_update().get_or_create(
        bucket=bucket, defaults={"window_started_at": now}
    )
    if window.paused_until and window.paused_until > now:
        return []
    if window.used and _window_over(window, limit, now):
        window.window_started_at, window.used, window.reads_open = now, 0, 0
    room = limit.requests - window.used
    per_request = provider_for(platform).metrics_batch_size
    planned = []
    for account_id, crosspost_ids in accounts.items():
        if room <= 0:
            break
        taken = crosspost_ids[: room * per_request]
        requests = -(-len(taken) // per_request)
        room -= requests
        window.used += requests
        window.reads_open += 1
        planned.append(Planned(account_id, taken))
    window.paused_until, window.reason = None, ""
    window.save()
    return planned


def _window_over(window: RateWindow, limit: Limit, now: datetime) -> bool:
    """Whether the bucket may open a new window: its reads are done and a full window has
    passed since their last request, or its reads were lost (their lease ran out)."""
    if now - window.window_started_at >= LEASE + limit.spacing:
        return True
    return (
        window.reads_open == 0
        and window.last_request_at is not None
        and now - window.last_request_at >= limit.spacing
    )


def read_metrics(
    account_id: int, crosspost_ids: Iterable[int], *, now: datetime | None = None
) -> str:
    """Read the counts of `crosspost_ids` (all of `account_id`) and save one sample each.
    Returns what happened, for the task's result."""
    now = now or timezone.now()
    account = ExternalAccount.objects.get(pk=account_id)
    provider = provider_for(account.platform)
    crossposts = list(
        tracking.with_join_counts(
            CrossPost.objects.filter(
                pk__in=list(crosspost_ids),
                account=account,
                status=CrossPostStatus.PUBLISHED,
                metrics_watch__isnull=False,
            )
            .exclude(external_id="")
            .annotate(
                watch_id=F("metrics_watch__pk"),
                watch_last_fetched_at=F("metrics_watch__last_fetched_at"),
            )
        ).order_by("pk")
    )
    try:
        return _read(account, provider, crossposts, now=now)
    finally:
        RateWindow.objects.filter(bucket=bucket_for(account.platform, account.pk)).update(
            reads_open=Greatest(F("reads_open") - 1, 0), last_request_at=timezone.now()
        )


def _read(account, provider, crossposts: list[CrossPost], *, now: datetime) -> str:
    size = max(1, provider.metrics_batch_size)
    chunks = [crossposts[start : start + size] for start in range(0, len(crossposts), size)]
    answered: list[tuple[list[CrossPost], dict]] = []
    outcome = ""
    bucket = bucket_for(account.platform, account.pk)
    for position, chunk in enumerate(chunks):
        waiting = [crosspost for later in chunks[position:] for crosspost in later]
        try:
            readings = _with_token(
                account,
                lambda token, chunk=chunk: provider.fetch_metrics(
                    token, [crosspost.external_id for crosspost in chunk]
                ),
            )
            answered.append((chunk, readings))
            quota = getattr(readings, "quota", None)
            if quota is not None and _heed(bucket, LIMITS[account.platform], quota, now):
                later = waiting[len(chunk) :]
                if later:
                    _postpone(later, until=quota.reset_at, note="")
                    outcome = f"; {provider.label}'s quota is spent until {quota.reset_at:%H:%M:%S}"
                    break
        except RateLimited as error:
            _pause(bucket_for(account.platform, account.pk), error)
            _postpone(waiting, until=error.retry_at, note="")
            outcome = f"; {provider.label} asked to wait until {error.retry_at:%H:%M:%S}"
            break
        except (TokenRejected, AuthorisationLost) as error:
            note = ReadersWords(
                gettext_noop("Reconnect %(account)s to read its metrics (%(answer)s)."),
                {"account": account.words, "answer": error.words},
            )
            _postpone(waiting, until=now + TEMPORARY_WAIT, note=note)
            outcome = f"; {in_english(note)}"
            break
        except Rejected as error:
            _postpone(chunk, until=next_reading(chunk[0].published_at, now), note=error.words)
        except ProviderError as error:
            _postpone(waiting, until=now + TEMPORARY_WAIT, note=error.words)
            outcome = f"; {error.reason}"
            break
    saved = _record(answered, now=now, label=provider.label)
    return f"saved {saved}{outcome}"


def _with_token(account: ExternalAccount, call: Callable[[str], dict]) -> dict:
    """`call(access_token)`; on a 401, refresh once under the account's lock and call again."""
    token = fresh_access_token(account)
    try:
        return call(token)
    except TokenRejected:
        account = refresh_account(account.pk, stale_access_token=token)
        try:
            return call(account.access_token)
        except TokenRejected as error:
            mark_reauth_required(account, error.words)
            raise


def _record(answered: list[tuple[list[CrossPost], dict]], *, now: datetime, label: str) -> int:
    """Save a sample for each cross-post the network answered for, and when to read each next;
    one transaction for the whole read."""
    samples, watches = [], []
    for chunk, answer in answered:
        for crosspost in chunk:
            counts = answer.get(crosspost.external_id)
            watch = MetricsWatch(
                pk=crosspost.watch_id,
                crosspost_id=crosspost.pk,
                next_fetch_at=next_reading(crosspost.published_at, now),
                last_fetched_at=crosspost.watch_last_fetched_at,
            )
            if counts is None:
                _noted(watch, missing(label))
            else:
                watch.last_fetched_at, watch.note, watch.note_words = now, "", None
                samples.append(
                    CrossPostMetric(
                        crosspost=crosspost,
                        sampled_at=now,
                        values={
                            name: int(value)
                            for name, value in counts.items()
                            if name in METRIC_NAMES
                        },
                        visits=crosspost.visit_count,
                        joins=crosspost.invitation_joins + crosspost.request_joins,
                    )
                )
            watches.append(watch)
    with transaction.atomic():
        CrossPostMetric.objects.bulk_create(samples, batch_size=500)
        MetricsWatch.objects.bulk_update(
            watches, ["next_fetch_at", "last_fetched_at", "note", "note_words"], batch_size=500
        )
    return len(samples)


def _heed(bucket: str, limit: Limit, quota: Quota, now: datetime) -> bool:
    """Bring the bucket in line with what the network counted: never more room than it says
    remains, and, once nothing remains, paused until its reset. True when nothing remains."""
    RateWindow.objects.filter(bucket=bucket).update(
        used=Greatest(F("used"), max(0, limit.requests - quota.remaining))
    )
    if quota.remaining > 0:
        return False
    RateWindow.objects.filter(bucket=bucket).update(
        paused_until=max(quota.reset_at, now),
        reason=f"The network's rate-limit headers said its window is spent until "
        f"{quota.reset_at:%H:%M:%S}.",
    )
    return True


def _pause(bucket: str, error: RateLimited) -> None:
    RateWindow.objects.filter(bucket=bucket).update(
        paused_until=error.retry_at, reason=error.reason
    )


def _postpone(
    crossposts: list[CrossPost], *, until: datetime | None, note: ReadersWords | str
) -> None:
    fields = {"next_fetch_at": until}
    if note:
        words = words_of(note)
        fields |= {"note": in_english(words), "note_words": words.payload()}
    MetricsWatch.objects.filter(crosspost__in=crossposts).update(**fields)


# Reading the series back, for the pages ------------------------------------------------------


def with_latest_metrics(crossposts: list[CrossPost]) -> list[CrossPost]:
    """Set `latest_metrics` (the newest sample or None), `metrics_summary` ((label, count)
    pairs of it) and `metrics_note` on each; two queries whatever the number."""
    ids = [crosspost.pk for crosspost in crossposts]
    # The newest sample's id chosen once per cross-post, not tested against every sample.
    newest = CrossPostMetric.objects.filter(crosspost=OuterRef("pk")).order_by("-sampled_at", "-pk")
    latest = {
        sample.crosspost_id: sample
        for sample in CrossPostMetric.objects.filter(
            pk__in=CrossPost.objects.filter(pk__in=ids)
            .annotate(newest=Subquery(newest.values("pk")[:1]))
            .values("newest")
        )
    }
    notes = {
        crosspost_id: in_reader_language(note, words)
        for crosspost_id, note, words in MetricsWatch.objects.filter(
            crosspost_id__in=ids
        ).values_list("crosspost_id", "note", "note_words")
    }
    for crosspost in crossposts:
        crosspost.latest_metrics = latest.get(crosspost.pk)
        crosspost.metrics_summary = (
            labelled(crosspost.latest_metrics.values) if crosspost.latest_metrics else []
        )
        crosspost.metrics_note = notes.get(crosspost.pk, "")
    return crossposts


def series(crosspost: CrossPost) -> list[CrossPostMetric]:
    """Every sample of `crosspost`, oldest first."""
    return list(CrossPostMetric.objects.filter(crosspost=crosspost).order_by("sampled_at", "pk"))


def labelled(values: dict) -> list[tuple[str, int]]:
    """(label, count) for the metrics in `values`, in METRIC_NAMES' order."""
    return [(label, values[name]) for name, label in METRIC_NAMES.items() if name in values]
