"""Reading published cross-posts' public counts from the sandbox networks over HTTP: what is
kept, how often, within which budget, and what happens when a network says no."""

import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from django.utils import timezone

from feeds.crossposting.metrics import services
from feeds.crossposting.metrics.limits import Limit
from feeds.crossposting.metrics.models import CrossPostMetric, MetricsWatch, RateWindow
from feeds.crossposting.metrics.tasks import sweep_metrics
from feeds.crossposting.models import AccountStatus, CrossPostStatus

LOOKUP = "/2/tweets"


def on_network(fake, number: int, *, minutes_ago: float = 30) -> str:
    """A post that is live on the sandbox network, as publishing would have left it."""
    external_id = str(1_800_000_000_000_000_000 + 10_000 + number)
    with fake.lock:
        fake.posts.append(
            {
                "id": external_id,
                "created_at": time.time() - minutes_ago * 60,
                "text": f"Teaser {number}",
                "title": f"Teaser {number}",
            }
        )
    return external_id


@pytest.fixture
def published(crosspost_factory):
    """`published(account, fake, number)`: a cross-post published an hour ago, live on `fake`."""

    def make(account, fake, number=1, **fields):
        return crosspost_factory(
            account,
            status=CrossPostStatus.PUBLISHED,
            external_id=on_network(fake, number),
            published_at=fields.pop("published_at", timezone.now() - timedelta(hours=1)),
            text=f"Teaser {number}",
            **fields,
        )

    return make


def samples(crosspost):
    return list(CrossPostMetric.objects.filter(crosspost=crosspost).order_by("sampled_at"))


@pytest.mark.parametrize(
    ("platform", "names"),
    [
        ("x", {"impressions", "likes", "reposts", "replies"}),
        ("pinterest", {"impressions", "saves", "outbound_clicks"}),
    ],
)
def test_each_published_post_is_read_and_kept_with_visits_and_joins(
    platform, names, request, published
):
    fake = request.getfixturevalue(f"fake_{platform}")
    account = request.getfixturevalue(f"{platform}_account")
    crosspost = published(account, fake, visit_count=7)

    assert sweep_metrics() == "queued 1 cross-post(s) in 1 read(s)"

    (sample,) = samples(crosspost)
    assert names <= set(sample.values)
    assert all(isinstance(value, int) and value >= 0 for value in sample.values.values())
    assert sample.values["impressions"] > 0  # the sandbox's post has been up for half an hour
    assert (sample.visits, sample.joins) == (7, 0)
    watch = MetricsWatch.objects.get(crosspost=crosspost)
    assert watch.note == "" and watch.last_fetched_at == sample.sampled_at
    assert watch.next_fetch_at == sample.sampled_at + timedelta(hours=1)


def test_counts_are_read_again_when_due_and_not_before(x_account, fake_x, published):
    crosspost = published(x_account, fake_x)
    now = timezone.now()
    for read in services.plan_readings(now=now):
        services.read_metrics(read.account_id, read.crosspost_ids, now=now)
    requests = len(fake_x.calls(LOOKUP))

    assert services.plan_readings(now=now + timedelta(minutes=30)) == []
    assert len(fake_x.calls(LOOKUP)) == requests

    later = now + timedelta(hours=1, seconds=1)
    for read in services.plan_readings(now=later):
        services.read_metrics(read.account_id, read.crosspost_ids, now=later)
    first, second = samples(crosspost)
    assert second.sampled_at == later
    assert second.values["impressions"] >= first.values["impressions"]


@pytest.mark.parametrize(
    ("age", "every"),
    [
        (timedelta(hours=2), timedelta(hours=1)),
        (timedelta(days=3), timedelta(hours=6)),
        (timedelta(days=20), timedelta(days=1)),
        (timedelta(days=31), None),
    ],
)
def test_older_posts_are_read_less_often_then_not_at_all(age, every):
    now = timezone.now()
    expected = now + every if every else None
    assert services.next_reading(now - age, now) == expected


def test_tiktok_photo_posts_say_plainly_that_counts_are_not_available(
    tiktok_account, fake_tiktok, crosspost_factory
):
    crosspost = crosspost_factory(
        tiktok_account, status=CrossPostStatus.PUBLISHED, external_id="7300000000000000001"
    )

    sweep_metrics()

    watch = MetricsWatch.objects.get(crosspost=crosspost)
    assert watch.note == ("Not available: TikTok reports no public counts for posts like this one.")
    assert watch.next_fetch_at is None
    assert not samples(crosspost)
    assert not [call for call in fake_tiktok.requests if "video/query" in call.path]


def test_a_429_pauses_the_account_until_the_reset_x_names(x_account, fake_x, published):
    crosspost = published(x_account, fake_x)
    fake_x.fail(LOOKUP, "429")

    sweep_metrics()

    reset = datetime.fromtimestamp(fake_x.rate_limit_reset, UTC)
    window = RateWindow.objects.get(bucket=f"x:account:{x_account.pk}")
    assert window.paused_until == reset
    assert MetricsWatch.objects.get(crosspost=crosspost).next_fetch_at == reset
    assert not samples(crosspost)
    requests = len(fake_x.calls(LOOKUP))

    assert services.plan_readings(now=reset - timedelta(seconds=1)) == []
    assert len(fake_x.calls(LOOKUP)) == requests

    after = reset + timedelta(seconds=1)
    for read in services.plan_readings(now=after):
        services.read_metrics(read.account_id, read.crosspost_ids, now=after)
    assert len(samples(crosspost)) == 1


def test_reads_stay_within_the_budget_and_the_network_never_says_429(
    x_account, fake_x, crosspost_factory
):
    """250 due posts and a budget of 2 requests (100 posts each) per five-second window, which
    the sandbox holds too: 200 are read now, none more within the window, the last 50 in the
    next, and the sandbox never refuses a request."""
    fake_x.limits = {**fake_x.limits, "lookup": (2, 5)}
    limits = {**services.LIMITS, "x": Limit(2, timedelta(seconds=5), "account")}
    for number in range(250):
        crosspost_factory(
            x_account,
            status=CrossPostStatus.PUBLISHED,
            external_id=on_network(fake_x, number),
            published_at=timezone.now() - timedelta(hours=1),
            text=f"Teaser {number}",
        )

    first = services.plan_readings(limits=limits)
    assert [len(read.crosspost_ids) for read in first] == [200]
    for read in first:
        assert services.read_metrics(read.account_id, read.crosspost_ids) == "saved 200"
    assert services.plan_readings(limits=limits) == []

    time.sleep(6)
    second = services.plan_readings(limits=limits)
    assert [len(read.crosspost_ids) for read in second] == [50]
    for read in second:
        assert services.read_metrics(read.account_id, read.crosspost_ids) == "saved 50"

    assert CrossPostMetric.objects.count() == 250
    assert len(fake_x.calls(LOOKUP)) == 3
    assert not fake_x.rate_limit_reset  # no 429 was ever answered


def many_published(account, fake, crosspost_factory, count):
    return [
        crosspost_factory(
            account,
            status=CrossPostStatus.PUBLISHED,
            external_id=on_network(fake, number),
            published_at=timezone.now() - timedelta(hours=1),
            text=f"Teaser {number}",
        )
        for number in range(count)
    ]


def sandbox_reset(fake, account) -> datetime:
    """When the sandbox's lookup window for the account's token resets, as its headers say."""
    with fake.lock:
        return datetime.fromtimestamp(fake.windows[("lookup", account.access_token)].reset, UTC)


def test_a_read_stops_when_xs_headers_say_nothing_remains(x_account, fake_x, crosspost_factory):
    """X allows this token 2 lookups now, fewer than the documented 900 the plan counts on:
    after the second answer says x-rate-limit-remaining 0 the read sends no third request
    (no 429 is provoked), and the rest waits for the reset X named."""
    fake_x.limits = {**fake_x.limits, "lookup": (2, 900)}
    crossposts = many_published(x_account, fake_x, crosspost_factory, 250)

    (read,) = services.plan_readings()
    outcome = services.read_metrics(read.account_id, read.crosspost_ids)

    reset = sandbox_reset(fake_x, x_account)
    assert outcome.startswith("saved 200; X's quota is spent until")
    assert len(fake_x.calls(LOOKUP)) == 2
    assert not fake_x.rate_limit_reset  # no 429 was ever answered
    window = RateWindow.objects.get(bucket=f"x:account:{x_account.pk}")
    assert window.paused_until == reset
    unread = [crosspost for crosspost in crossposts if not samples(crosspost)]
    assert len(unread) == 50
    assert {MetricsWatch.objects.get(crosspost=c).next_fetch_at for c in unread} == {reset}

    assert services.plan_readings(now=reset - timedelta(seconds=1)) == []
    assert len(fake_x.calls(LOOKUP)) == 2


def test_a_quota_spent_elsewhere_pauses_the_account_until_xs_reset(
    x_account, fake_x, crosspost_factory, published
):
    """Another client of the same account spent most of X's window: the plan believes it has
    900 requests, X's headers say none are left, so nothing more is planned until X's reset
    and X never answers 429."""
    fake_x.limits = {**fake_x.limits, "lookup": (3, 900)}
    elsewhere = published(x_account, fake_x, 1)
    for _ in range(2):
        httpx.get(
            f"{fake_x.url}{LOOKUP}",
            params={"ids": elsewhere.external_id},
            headers={"Authorization": f"Bearer {x_account.access_token}"},
        )

    sweep_metrics()

    reset = sandbox_reset(fake_x, x_account)
    assert len(samples(elsewhere)) == 1
    published(x_account, fake_x, 2)  # due now, as a newly published post is
    assert services.plan_readings(now=reset - timedelta(seconds=1)) == []
    assert RateWindow.objects.get(bucket=f"x:account:{x_account.pk}").paused_until == reset
    assert len(fake_x.calls(LOOKUP)) == 3
    assert not fake_x.rate_limit_reset


def test_a_new_window_waits_for_the_last_reads_of_the_old_one(x_account, fake_x, crosspost_factory):
    """The network counts its window from the first request it gets, which comes when the
    read runs, not when it was planned: so no new window opens while a read is running, nor
    until a full window (with its margin) after its last request."""
    limits = {**services.LIMITS, "x": Limit(1, timedelta(seconds=60), "account")}
    for number in range(150):
        crosspost_factory(
            x_account,
            status=CrossPostStatus.PUBLISHED,
            external_id=on_network(fake_x, number),
            published_at=timezone.now() - timedelta(hours=1),
            text=f"Teaser {number}",
        )
    planned_at = timezone.now()
    (first,) = services.plan_readings(now=planned_at, limits=limits)

    # Two minutes on, the read has not run yet: nothing more is planned.
    assert services.plan_readings(now=planned_at + timedelta(minutes=2), limits=limits) == []
    services.read_metrics(first.account_id, first.crosspost_ids)
    finished = RateWindow.objects.get().last_request_at
    assert services.plan_readings(now=finished + timedelta(seconds=65), limits=limits) == []

    (second,) = services.plan_readings(now=finished + timedelta(seconds=67), limits=limits)
    assert len(second.crosspost_ids) == 50


def test_an_expired_token_is_refreshed_once_and_the_read_goes_on(x_account, fake_x, published):
    crosspost = published(x_account, fake_x)
    fake_x.expire_access_tokens()

    sweep_metrics()

    assert len(samples(crosspost)) == 1
    x_account.refresh_from_db()
    assert x_account.status == AccountStatus.CONNECTED
    assert x_account.access_token in fake_x.access_tokens


def test_a_post_gone_from_the_network_is_noted(x_account, fake_x, crosspost_factory):
    crosspost = crosspost_factory(
        x_account, status=CrossPostStatus.PUBLISHED, external_id="1899999999999999999"
    )

    sweep_metrics()

    assert not samples(crosspost)
    assert MetricsWatch.objects.get(crosspost=crosspost).note == (
        "X no longer shows this post (deleted, or hidden from the public)."
    )


def test_accounts_that_must_reconnect_are_not_read(x_account, fake_x, published):
    published(x_account, fake_x)
    x_account.status = AccountStatus.REAUTH_REQUIRED
    x_account.save()

    sweep_metrics()

    assert not fake_x.calls(LOOKUP)
    assert not CrossPostMetric.objects.exists()


def test_a_refused_refresh_asks_the_owner_to_reconnect(x_account, fake_x, published):
    crosspost = published(x_account, fake_x)
    fake_x.expire_access_tokens()
    with fake_x.lock:
        fake_x.refresh_tokens.clear()

    sweep_metrics()

    assert not samples(crosspost)
    watch = MetricsWatch.objects.get(crosspost=crosspost)
    assert watch.note.startswith("Reconnect X @wineclub to read its metrics (")
    x_account.refresh_from_db()
    assert x_account.status == AccountStatus.REAUTH_REQUIRED
