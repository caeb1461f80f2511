"""The cross-post state machine against the fakes: every outcome a provider can give."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from feeds.crossposting.models import AccountStatus, CrossPostStatus
from feeds.crossposting.sandbox.x import TWEETS_PATH
from feeds.crossposting.services.publishing import MAX_ATTEMPTS


def reload(crosspost):
    crosspost.refresh_from_db()
    return crosspost


def test_x_publishes_text_and_image_once(x_account, crosspost_factory, dispatch, fake_x):
    crosspost = crosspost_factory(x_account)

    assert dispatch() == 1
    assert dispatch() == 0

    crosspost = reload(crosspost)
    assert crosspost.status == CrossPostStatus.PUBLISHED
    assert len(fake_x.posts) == 1
    assert fake_x.posts[0]["media"]["media_ids"]
    assert crosspost.external_url == f"https://x.com/wineclub/status/{crosspost.external_id}"


def test_nothing_is_published_before_its_time(x_account, crosspost_factory, dispatch, fake_x):
    """What falls due before the scheduler's next wake (30 s) is claimed now and sent at its
    time, not earlier; anything later waits for a later wake."""
    later = crosspost_factory(x_account, scheduled_at=timezone.now() + timedelta(seconds=31))
    soon = crosspost_factory(
        x_account, scheduled_at=timezone.now() + timedelta(seconds=1.5), text="Soon"
    )

    assert dispatch() == 1
    assert reload(later).status == CrossPostStatus.SCHEDULED
    assert reload(soon).status == CrossPostStatus.PUBLISHED
    (request,) = fake_x.calls(TWEETS_PATH)
    assert request.received_at >= soon.scheduled_at.timestamp()


def test_a_claimed_row_reached_before_its_time_waits_for_it(
    x_account, crosspost_factory, dispatch, fake_x
):
    """Whatever runs the handler early (here the handler called by hand), nothing is sent
    early: the row waits like a back-off, and the dispatcher brings it back once it is due."""
    from feeds.crossposting.models import CrossPost
    from feeds.crossposting.services.publishing import advance

    due = timezone.now() + timedelta(seconds=1.5)
    crosspost = crosspost_factory(x_account, scheduled_at=due)
    CrossPost.objects.filter(pk=crosspost.pk).update(
        status=CrossPostStatus.PUBLISHING, claimed_at=timezone.now()
    )

    assert advance(crosspost.pk) == CrossPostStatus.PUBLISHING
    assert reload(crosspost).next_attempt_at == due
    assert fake_x.posts == []

    assert dispatch(now=due) == 1
    assert reload(crosspost).status == CrossPostStatus.PUBLISHED
    (request,) = fake_x.calls(TWEETS_PATH)
    assert request.received_at >= due.timestamp()


def test_dispatch_queues_batches_soonest_first(x_account, crosspost_factory, settings):
    """Claimed rows go out in batches of SOSOON_CROSSPOST_CONCURRENCY, one task each; one due
    after the scheduler's next wake is left for that wake."""
    from feeds.crossposting.models import CrossPost
    from feeds.crossposting.services import publishing

    settings.SOSOON_CROSSPOST_CONCURRENCY = 2
    now = timezone.now()
    rows = {
        offset: crosspost_factory(x_account, scheduled_at=now + timedelta(seconds=offset)).pk
        for offset in (20, -5, 10, 29, 31)
    }
    batches = []

    assert publishing.dispatch(now=now, enqueue=batches.append) == 4
    assert batches == [{rows[-5]: 1, rows[10]: 1}, {rows[20]: 1, rows[29]: 1}]
    statuses = dict(CrossPost.objects.values_list("pk", "status"))
    assert statuses.pop(rows[31]) == CrossPostStatus.SCHEDULED
    assert set(statuses.values()) == {CrossPostStatus.PUBLISHING}


def test_pinterest_pins_to_the_chosen_board(
    pinterest_account, crosspost_factory, dispatch, fake_pinterest
):
    crosspost = crosspost_factory(
        pinterest_account,
        board_id="549755885175",
        title="New vintage",
        link="https://sosoon.test/r/abc/",
        alt_text="A bottle",
    )
    dispatch()

    crosspost = reload(crosspost)
    assert crosspost.status == CrossPostStatus.PUBLISHED
    pin = fake_pinterest.posts[0]
    assert pin["board_id"] == "549755885175"
    assert pin["media_source"]["url"].startswith("https://sosoon.test/p/")
    assert crosspost.external_url == f"https://www.pinterest.com/pin/{crosspost.external_id}/"


def test_tiktok_stores_publish_id_then_polls_until_complete(
    tiktok_account, crosspost_factory, dispatch, fake_tiktok
):
    fake_tiktok.steps = ["PROCESSING_DOWNLOAD", "PROCESSING_DOWNLOAD", "PUBLISH_COMPLETE"]
    crosspost = crosspost_factory(tiktok_account, privacy_level="SELF_ONLY", title="Vintage")

    dispatch()
    crosspost = reload(crosspost)
    assert crosspost.status == CrossPostStatus.PUBLISHING
    assert crosspost.publish_id.startswith("p_pub_url~v2.")
    assert not fake_tiktok.calls("/v2/post/publish/status/fetch/")

    # A restart here (a new worker, the same row) resumes polling: it never inits again.
    later = timezone.now()
    for _ in range(4):
        later += timedelta(minutes=3)
        dispatch(now=later)
    crosspost = reload(crosspost)
    assert crosspost.status == CrossPostStatus.PUBLISHED
    assert len(fake_tiktok.posts) == 1
    assert len(fake_tiktok.calls("/v2/post/publish/status/fetch/")) == 3
    assert crosspost.external_url.startswith("https://www.tiktok.com/@wineclub/photo/")


def test_tiktok_failed_processing_says_why(
    tiktok_account, crosspost_factory, dispatch, fake_tiktok
):
    fake_tiktok.fail_reason = "file_format_check_failed"
    crosspost = crosspost_factory(tiktok_account, privacy_level="SELF_ONLY")
    dispatch()
    dispatch(now=timezone.now() + timedelta(minutes=1))
    dispatch(now=timezone.now() + timedelta(minutes=2))
    crosspost = reload(crosspost)
    assert crosspost.status == CrossPostStatus.FAILED
    assert "JPEG" in crosspost.reason


def test_x_429_waits_for_the_reset_header(x_account, crosspost_factory, dispatch, fake_x):
    fake_x.fail("/2/tweets", "429")
    crosspost = crosspost_factory(x_account)

    dispatch()
    crosspost = reload(crosspost)
    assert crosspost.status == CrossPostStatus.PUBLISHING
    waited = crosspost.next_attempt_at.timestamp() - fake_x.rate_limit_reset
    assert 0 <= waited <= 5  # the reset, plus a little jitter
    assert dispatch(now=timezone.now() + timedelta(minutes=5)) == 0

    dispatch(now=crosspost.next_attempt_at)
    assert reload(crosspost).status == CrossPostStatus.PUBLISHED
    assert len(fake_x.posts) == 1


def test_pinterest_429_honours_retry_after(
    pinterest_account, crosspost_factory, dispatch, fake_pinterest
):
    fake_pinterest.fail("/v5/pins", "429")
    crosspost = crosspost_factory(pinterest_account, board_id="549755885175")
    before = timezone.now()
    dispatch()
    wait = reload(crosspost).next_attempt_at - before
    assert timedelta(seconds=119) <= wait <= timedelta(seconds=127)


def test_server_errors_back_off_then_give_up(x_account, crosspost_factory, dispatch, fake_x):
    fake_x.fail("/2/tweets", "500", times=MAX_ATTEMPTS)
    crosspost = crosspost_factory(x_account)
    waits = []
    dispatch()
    for _ in range(MAX_ATTEMPTS - 1):
        crosspost = reload(crosspost)
        waits.append(crosspost.next_attempt_at - crosspost.updated_at)
        dispatch(now=crosspost.next_attempt_at)

    crosspost = reload(crosspost)
    assert crosspost.status == CrossPostStatus.FAILED
    assert "Gave up after 5 attempts" in crosspost.reason
    assert waits == sorted(waits)  # exponential, even with jitter
    assert fake_x.posts == []
    assert mail.outbox and "failed" in mail.outbox[-1].subject


def test_unreachable_provider_is_retried(x_account, crosspost_factory, dispatch, settings, fake_x):
    real = settings.SOSOON_X_API_BASE
    settings.SOSOON_X_API_BASE = "http://127.0.0.1:9"
    crosspost = crosspost_factory(x_account)
    dispatch()
    crosspost = reload(crosspost)
    assert crosspost.status == CrossPostStatus.PUBLISHING
    assert crosspost.attempts == 1 and "could not be reached" in crosspost.reason

    settings.SOSOON_X_API_BASE = real
    dispatch(now=crosspost.next_attempt_at)
    assert reload(crosspost).status == CrossPostStatus.PUBLISHED


def test_a_hang_after_sending_needs_review_and_never_posts_twice(
    x_account, crosspost_factory, dispatch, fake_x
):
    fake_x.fail("/2/tweets", "hang")
    crosspost = crosspost_factory(x_account)
    dispatch()

    crosspost = reload(crosspost)
    assert crosspost.status == CrossPostStatus.NEEDS_REVIEW
    assert "cannot tell whether it went out" in crosspost.reason
    dispatch(now=timezone.now() + timedelta(hours=1))
    assert len(fake_x.posts) == 1  # the fake created it before hanging; nobody sent it again


def test_a_crash_between_sent_and_saved_ends_in_needs_review(x_account, crosspost_factory, fake_x):
    """A worker marked the request sent, then died; q2 hands the task to another worker."""
    from feeds.crossposting.tasks import publish_crossposts

    crosspost = crosspost_factory(x_account)
    crosspost.status = CrossPostStatus.PUBLISHING
    crosspost.claim = 1
    crosspost.request_sent_at = timezone.now()
    crosspost.save()

    assert publish_crossposts({crosspost.pk: 1}) == {crosspost.pk: CrossPostStatus.NEEDS_REVIEW}
    assert "may be live" in reload(crosspost).reason
    assert fake_x.posts == []


def lost_claim(crosspost_factory, account, *, at, **fields):
    """A row claimed at `at` whose publish task was then lost (never queued, never run)."""
    from feeds.crossposting.services.publishing import claim_due

    crosspost = crosspost_factory(account, scheduled_at=at - timedelta(seconds=1), **fields)
    assert claim_due(at) == {crosspost.pk: 1}
    return crosspost


def test_a_lost_task_never_sent_is_queued_again_once_the_q2_timeout_passes(
    x_account, crosspost_factory, dispatch, fake_x, settings
):
    """No task runs longer than q2's timeout, so a row silent for longer has lost its task;
    one whose request never left is sent by a new task, once."""
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "timeout": 40}
    claimed = timezone.now() - timedelta(minutes=5)
    crosspost = lost_claim(crosspost_factory, x_account, at=claimed)

    assert dispatch(now=claimed + timedelta(seconds=39)) == 0
    assert reload(crosspost).progress.startswith("Queued for sending to X since ")
    assert dispatch(now=claimed + timedelta(seconds=41)) == 1

    crosspost = reload(crosspost)
    assert crosspost.status == CrossPostStatus.PUBLISHED
    assert crosspost.claim == 2
    assert len(fake_x.calls(TWEETS_PATH)) == 1


def test_a_lost_tiktok_poll_is_asked_again_not_posted_again(
    tiktok_account, crosspost_factory, dispatch, fake_tiktok, settings
):
    from feeds.crossposting.models import CrossPost

    fake_tiktok.steps = ["PUBLISH_COMPLETE"]
    crosspost = crosspost_factory(tiktok_account, privacy_level="SELF_ONLY", title="Vintage")
    dispatch()
    crosspost = reload(crosspost)
    assert crosspost.progress.startswith("TikTok accepted it and is still processing it")
    # The poll was claimed, then its task lost.
    claimed = crosspost.next_attempt_at
    CrossPost.objects.filter(pk=crosspost.pk).update(next_attempt_at=None, updated_at=claimed)
    assert reload(crosspost).progress.startswith("Asking TikTok how it is doing, since ")

    dispatch(now=claimed + timedelta(seconds=settings.Q_CLUSTER["timeout"] + 1))
    crosspost = reload(crosspost)
    assert crosspost.status == CrossPostStatus.PUBLISHED
    assert len(fake_tiktok.posts) == 1
    assert len(fake_tiktok.calls("/v2/post/publish/status/fetch/")) == 1


def test_a_lost_task_that_had_sent_needs_review_and_says_why(
    x_account, crosspost_factory, dispatch, fake_x, owner, settings
):
    from feeds.crossposting.models import CrossPost

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "timeout": 40}
    claimed = timezone.now() - timedelta(minutes=5)
    crosspost = lost_claim(crosspost_factory, x_account, at=claimed)
    CrossPost.objects.filter(pk=crosspost.pk).update(request_sent_at=claimed, updated_at=claimed)
    assert reload(crosspost).progress.startswith("Sending to X since ")

    dispatch(now=claimed + timedelta(seconds=41))

    crosspost = reload(crosspost)
    assert crosspost.status == CrossPostStatus.NEEDS_REVIEW
    assert crosspost.reason == (
        "The worker stopped while publishing to X @wineclub, so it may be live. "
        "Check the account before retrying."
    )
    assert fake_x.calls(TWEETS_PATH) == []
    assert any(message.to == [owner.email] for message in mail.outbox)


def test_a_replaced_task_turning_up_late_leaves_the_row_to_its_replacement(
    x_account, crosspost_factory, dispatch, fake_x, settings
):
    """The task a row was first queued with may still be in a queue when the row is taken as
    lost (the ORM broker delivers it again after its retry): it must neither send the row
    nor call the replacement's request in flight a crash."""
    from feeds.crossposting.models import CrossPost
    from feeds.crossposting.services.publishing import recover_lost
    from feeds.crossposting.tasks import publish_crossposts

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "timeout": 40}
    claimed = timezone.now() - timedelta(minutes=5)
    crosspost = lost_claim(crosspost_factory, x_account, at=claimed)
    assert recover_lost(claimed + timedelta(seconds=41)) == {crosspost.pk: 2}
    # The replacement has marked its request sent and waits for the answer.
    CrossPost.objects.filter(pk=crosspost.pk).update(request_sent_at=timezone.now())

    assert publish_crossposts({crosspost.pk: 1}) == {crosspost.pk: "claimed again"}
    crosspost = reload(crosspost)
    assert crosspost.status == CrossPostStatus.PUBLISHING
    assert crosspost.progress.startswith("Sending to X since ")
    assert fake_x.calls(TWEETS_PATH) == []


def test_a_row_waiting_longer_than_the_timeout_is_not_taken_as_lost(
    x_account, crosspost_factory, dispatch, fake_x
):
    """A row waiting for X's rate limit to reset (15 minutes) has no task on purpose."""
    fake_x.fail(TWEETS_PATH, "429")
    crosspost = crosspost_factory(x_account)
    dispatch()
    crosspost = reload(crosspost)
    assert crosspost.progress.startswith("Waiting to try again at ")

    assert dispatch(now=timezone.now() + timedelta(minutes=10)) == 0
    assert reload(crosspost).status == CrossPostStatus.PUBLISHING
    assert len(fake_x.calls(TWEETS_PATH)) == 1


def test_401_refreshes_once_and_retries(x_account, crosspost_factory, dispatch, fake_x):
    old_refresh = x_account.refresh_token
    fake_x.expire_access_tokens()
    crosspost = crosspost_factory(x_account)
    dispatch()

    assert reload(crosspost).status == CrossPostStatus.PUBLISHED
    x_account.refresh_from_db()
    assert x_account.refresh_token != old_refresh
    assert old_refresh in fake_x.used_refresh_tokens
    assert len(fake_x.calls("/2/oauth2/token")) == 1


def test_refresh_token_chain_across_two_refreshes(x_account, crosspost_factory, dispatch, fake_x):
    chain = [x_account.refresh_token]
    for text in ("First teaser", "Second teaser"):
        fake_x.expire_access_tokens()
        crosspost = crosspost_factory(x_account, text=text)
        dispatch()
        assert reload(crosspost).status == CrossPostStatus.PUBLISHED
        x_account.refresh_from_db()
        chain.append(x_account.refresh_token)

    assert len(set(chain)) == 3
    assert set(chain[:2]) <= fake_x.used_refresh_tokens
    assert chain[2] in fake_x.refresh_tokens
    assert x_account.status == AccountStatus.CONNECTED


def test_failed_refresh_requires_reauth_and_tells_the_owner(
    x_account, crosspost_factory, dispatch, fake_x, owner
):
    fake_x.expire_access_tokens()
    fake_x.refresh_tokens.clear()  # the refresh token was revoked
    crosspost = crosspost_factory(x_account)
    dispatch()

    crosspost, account = reload(crosspost), reload(x_account)
    assert crosspost.status == CrossPostStatus.FAILED
    assert "reconnect" in crosspost.reason.lower()
    assert account.status == AccountStatus.REAUTH_REQUIRED
    assert any(
        message.to == [owner.email] and "Reconnect" in message.subject for message in mail.outbox
    )


def test_duplicate_content_fails_at_once(x_account, crosspost_factory, dispatch, fake_x):
    fake_x.fail("/2/tweets", "duplicate")
    crosspost = crosspost_factory(x_account)
    dispatch()
    crosspost = reload(crosspost)
    assert crosspost.status == CrossPostStatus.FAILED
    assert crosspost.attempts == 0
    assert "duplicate" in crosspost.reason


def test_tiktok_spam_risk_and_privacy_mismatch_fail_at_once(
    tiktok_account, crosspost_factory, dispatch, fake_tiktok
):
    fake_tiktok.fail("/v2/post/publish/content/init/", "spam")
    spam = crosspost_factory(tiktok_account, privacy_level="SELF_ONLY")
    mismatch = crosspost_factory(tiktok_account, privacy_level="FOLLOWER_OF_CREATOR")
    dispatch()
    assert reload(spam).status == CrossPostStatus.FAILED
    assert "posted too much today" in spam.reason
    assert reload(mismatch).status == CrossPostStatus.FAILED
    assert "privacy level" in mismatch.reason
    assert fake_tiktok.posts == []


def test_a_post_that_narrows_cancels_its_pending_crossposts(
    x_account, crosspost_factory, public_post, owner
):
    from feeds.services.posts import do_edit_post

    crosspost = crosspost_factory(x_account, scheduled_at=timezone.now() + timedelta(hours=1))
    do_edit_post(
        public_post, body=public_post.body, audience="community", min_tier=None, circle=None
    )

    crosspost = reload(crosspost)
    assert crosspost.status == CrossPostStatus.CANCELLED
    assert "no longer public" in crosspost.reason
    assert any(message.to == [owner.email] for message in mail.outbox)


def test_teasers_turned_off_cancel_too(x_account, crosspost_factory, community):
    crosspost = crosspost_factory(x_account, scheduled_at=timezone.now() + timedelta(hours=1))
    community.allow_public_teasers = False
    community.save()
    assert reload(crosspost).status == CrossPostStatus.CANCELLED


def test_retry_of_needs_review_requires_confirmation(x_account, crosspost_factory, dispatch):
    from django.core.exceptions import ValidationError

    from feeds.crossposting.services.scheduling import do_retry

    crosspost = crosspost_factory(x_account, status=CrossPostStatus.NEEDS_REVIEW)
    with pytest.raises(ValidationError):
        do_retry(crosspost)
    do_retry(crosspost, checked_platform=True)
    assert crosspost.status == CrossPostStatus.SCHEDULED
    dispatch()
    assert reload(crosspost).status == CrossPostStatus.PUBLISHED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_batch_publishes_its_rows_side_by_side_each_once_never_early(
    x_account, crosspost_factory, fake_x
):
    """Each row of a batch runs the same handler on a thread (and connection) of its own: the
    requests overlap, none leaves before its time, and a row an earlier worker died on still
    goes to needs_review instead of being sent again."""
    from feeds.crossposting.models import CrossPost
    from feeds.crossposting.services.publishing import publish_batch

    fake_x.latency = (0.25, 0.25)  # each row: an image upload, then the post
    now = timezone.now()
    due = now + timedelta(seconds=1)
    rows = [crosspost_factory(x_account, scheduled_at=due, text=f"Teaser {n}") for n in range(7)]
    crashed = crosspost_factory(x_account, text="Sent before a crash")
    CrossPost.objects.update(status=CrossPostStatus.PUBLISHING, claimed_at=now)
    CrossPost.objects.filter(pk=crashed.pk).update(request_sent_at=now)

    started = time.monotonic()
    states = publish_batch({crosspost.pk: 0 for crosspost in [*rows, crashed]})
    elapsed = time.monotonic() - started

    assert states == {
        **{crosspost.pk: CrossPostStatus.PUBLISHED for crosspost in rows},
        crashed.pk: CrossPostStatus.NEEDS_REVIEW,
    }
    assert sorted(post["text"] for post in fake_x.posts) == [f"Teaser {n}" for n in range(7)]
    assert min(request.received_at for request in fake_x.calls(TWEETS_PATH)) >= due.timestamp()
    assert elapsed < 1 + 7 * 0.5 / 2  # one row after another: 1 s, then 7 x 0.5 s
