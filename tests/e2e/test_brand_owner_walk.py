"""The whole cross-posting walk of the demo's brand owner, in one browser test against
`manage.py serve` (daphne, the job cluster on its schedule, the sandbox networks):

Ana signs in through the login page, connects a Sandbox X, Pinterest and TikTok account
through their consent pages, puts the three in an account group and schedules the public
teaser to the group from the calendar's composer. The cluster publishes them; each is on its
sandbox's public page; the cluster's metrics sweep reads their counts. A stranger, signed
out, follows the tracked link on the X sandbox's page, joins through the teaser, signs up and
lands on the post; Ana sees the visit and the join on the X cross-post and its metrics.
"""

import re
import time
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.crossposting_steps import (
    NETWORKS,
    PUBLISH_SECONDS,
    connect_sandbox_accounts,
    sign_up_through_the_teaser,
    wait_until_published,
)
from tests.e2e.login_form import sign_in

pytestmark = pytest.mark.browser

ANA = "ana@demo.sosoon.test"  # owner of Natural Wine Club
SLUG = "natural-wine-club"
COMMUNITY = "Natural Wine Club"
TEASER = "Spring allocation"
GROUP = "Wine club everywhere"
# The sweep runs every minute and reads a new publication at its first run.
METRICS_SECONDS = 150


def create_group_of_the_three(ana: Page) -> None:
    ana.goto("/crossposts/calendar/")
    ana.get_by_role("link", name="Posting slots and groups").click()
    form = ana.get_by_test_id("group-create-form")
    form.get_by_label("Group name").fill(GROUP)
    for network in NETWORKS:
        form.get_by_label(f"Sandbox {network} @wineclub · {COMMUNITY}").check()
    form.get_by_role("button", name="Create group").click()
    expect(ana.get_by_text("Group created.")).to_be_visible()


def schedule_the_teaser_to_the_group(ana: Page) -> str:
    """From today's day in the calendar's month view, ticking the group's accounts in the
    composer, a minute or two from now; returns the time as typed (Ana's zone is UTC)."""
    ana.goto("/crossposts/calendar/")
    today = datetime.now().astimezone().date().isoformat()
    ana.get_by_test_id(f"day-{today}").get_by_test_id("schedule-here").click()
    ana.get_by_test_id("choose-post").filter(has_text=TEASER).click()
    expect(ana).to_have_title(re.compile("^Schedule"))
    group_form = ana.get_by_test_id("group-form")
    group_form.get_by_label("Account group").select_option(label=GROUP)
    group_form.get_by_role("button", name="Tick the group's accounts").click()
    for platform in ("x", "pinterest", "tiktok"):
        expect(
            ana.get_by_test_id(f"section-{platform}").get_by_label("Post to this account")
        ).to_be_checked()
    # Two minutes ahead, truncated to the minute: at least one minute in the future.
    at = (datetime.now().astimezone() + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M")
    ana.get_by_label("Publish at (your time zone)").fill(at)
    ana.get_by_test_id("section-pinterest").get_by_label("Board").select_option(
        label="Natural wine"
    )
    ana.get_by_test_id("section-tiktok").get_by_label("Who can see it on TikTok").select_option(
        "SELF_ONLY"
    )
    ana.get_by_test_id("schedule").click()
    expect(ana.get_by_text("Scheduled 3 cross-post(s).")).to_be_visible()
    return at


def open_metrics_once_swept(ana: Page, row, shown: str) -> None:
    """Open the cross-post's metrics and reload until the cluster's sweep has been at it: the
    element with test id `shown` (a reading's row, or the network's note) is there."""
    row.get_by_role("link", name="Metrics").click()
    swept = ana.get_by_test_id(shown)
    deadline = time.monotonic() + METRICS_SECONDS
    while time.monotonic() < deadline and swept.count() == 0:
        ana.wait_for_timeout(5_000)
        ana.reload()
    expect(swept.first).to_be_visible()


def test_a_brand_owner_walks_cross_posting_from_connecting_to_a_join(
    sandbox_site, new_sandbox_page
):
    site = sandbox_site.site
    ana = sign_in(new_sandbox_page(viewport={"width": 1280, "height": 1000}), ANA)
    connect_sandbox_accounts(ana, SLUG, "wineclub")
    create_group_of_the_three(ana)
    at = schedule_the_teaser_to_the_group(ana)

    # The calendar's week shows the three at the chosen hour.
    day, hour = at[:10], at[11:13]
    cell = ana.get_by_test_id(f"cell-{day}T{hour}")
    for network in NETWORKS:
        expect(cell.get_by_test_id("chip").filter(has_text=f"{network} @wineclub")).to_be_visible()

    ana.goto(f"/c/{SLUG}/crossposts/")
    wait_until_published(ana, 3, seconds=PUBLISH_SECONDS + 60)

    for offset, network in enumerate(NETWORKS):
        with ana.expect_popup() as opened:
            ana.get_by_role("link", name=f"View on Sandbox {network}").click()
        expect(opened.value).to_have_title(re.compile(rf"\(Sandbox {network}\)$"))
        opened.value.close()
        profile = ana.context.new_page()
        profile.goto(sandbox_site.profile_url(offset))
        expect(profile.get_by_text(TEASER).first).to_be_visible()
        profile.close()

    rows = ana.get_by_test_id("crosspost")
    x_row = rows.filter(has=ana.get_by_role("link", name="View on Sandbox X"))
    pinterest_row = rows.filter(has=ana.get_by_role("link", name="View on Sandbox Pinterest"))
    tiktok_row = rows.filter(has=ana.get_by_role("link", name="View on Sandbox TikTok"))
    open_metrics_once_swept(ana, pinterest_row, "metrics-row")
    expect(ana.get_by_test_id("metrics-latest")).to_contain_text(re.compile(r"\d+ impressions"))
    ana.goto(f"/c/{SLUG}/crossposts/")
    open_metrics_once_swept(ana, tiktok_row, "metrics-note")
    expect(ana.get_by_test_id("metrics-note")).to_contain_text("Not available")
    ana.goto(f"/c/{SLUG}/crossposts/")
    open_metrics_once_swept(ana, x_row, "metrics-row")
    expect(ana.get_by_test_id("metrics-latest")).to_contain_text(re.compile(r"\d+ impressions"))
    expect(ana.get_by_test_id("metrics-latest")).to_contain_text("0 visits (Sosoon)")

    stranger = new_sandbox_page()
    stranger.goto(sandbox_site.profile_url(0))
    stranger.locator("a[href*='/r/']").first.click()
    expect(stranger).to_have_url(re.compile(rf"^{re.escape(site.base_url)}/r/"))
    expect(stranger.get_by_test_id("community-card")).to_contain_text(COMMUNITY)
    expect(stranger.get_by_test_id("teaser")).to_contain_text(TEASER)
    sign_up_through_the_teaser(stranger, COMMUNITY, email="winefan@example.test", handle="winefan")
    teaser_path = site.python(
        "from feeds.models import Post; "
        f"print(Post.objects.get(body__startswith={TEASER!r}).get_absolute_url())"
    )
    expect(stranger).to_have_url(site.url(teaser_path))
    expect(stranger.get_by_text(f"Welcome to {COMMUNITY}!")).to_be_visible()

    ana.goto(f"/c/{SLUG}/crossposts/")
    expect(x_row.get_by_test_id("crosspost-counts")).to_have_text("1 visit · 1 join")
    for other in (pinterest_row, tiktok_row):
        expect(other.get_by_test_id("crosspost-counts")).to_have_text("0 visits · 0 joins")
    x_row.get_by_role("link", name="Metrics").click()
    latest = ana.get_by_test_id("metrics-latest")
    expect(latest).to_contain_text("1 visit (Sosoon)")
    expect(latest).to_contain_text("1 join (Sosoon)")
