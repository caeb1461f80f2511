"""The demo's brand owner tries cross-posting in a real browser against `manage.py serve` with
the sandbox networks: connects a Sandbox X, Pinterest and TikTok account through each
sandbox's consent page, schedules the public teaser to all three, watches them publish, and
finds each on its sandbox's public profile with the tracked link back to Sosoon."""

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.crossposting_steps import NETWORKS, connect_sandbox_accounts, wait_until_published
from tests.e2e.login_form import sign_in

pytestmark = pytest.mark.browser

TEASER = "Spring allocation"


def test_a_brand_owner_cross_posts_to_the_three_sandboxes(sandbox_site, new_sandbox_page):
    site = sandbox_site.site
    ana = sign_in(new_sandbox_page(viewport={"width": 390, "height": 844}), "ana@demo.sosoon.test")
    connect_sandbox_accounts(ana, "natural-wine-club", "wineclub")

    teaser = site.python(
        "from feeds.models import Post; "
        f"print(Post.objects.get(body__startswith={TEASER!r}).get_absolute_url())"
    )
    ana.goto(teaser)
    ana.get_by_test_id("crosspost").click()
    expect(ana).to_have_title(re.compile("^Cross-post"))
    soon = datetime.now().astimezone().replace(tzinfo=None)  # ana's time zone is UTC
    ana.get_by_label("Publish at").fill((soon + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"))
    for platform in ("x", "pinterest", "tiktok"):
        ana.get_by_test_id(f"section-{platform}").get_by_label("Post to this account").check()
    ana.get_by_test_id("section-pinterest").get_by_label("Board").select_option(
        label="Natural wine"
    )
    ana.get_by_test_id("section-tiktok").get_by_label("Who can see it on TikTok").select_option(
        "SELF_ONLY"
    )
    ana.get_by_role("button", name="Schedule").click()
    ana.wait_for_load_state()
    assert ana.locator(".errorlist").all_inner_texts() == []
    expect(ana.get_by_text("Scheduled 3 cross-post(s).")).to_be_visible()
    wait_until_published(ana, 3)

    for offset, network in enumerate(NETWORKS):
        with ana.expect_popup() as opened:
            ana.get_by_role("link", name=f"View on Sandbox {network}").click()
        post_page = opened.value
        expect(post_page).to_have_title(re.compile(rf"\(Sandbox {network}\)$"))
        profile = ana.context.new_page()
        profile.goto(sandbox_site.profile_url(offset))
        expect(profile.get_by_text(TEASER).first).to_be_visible()
        tracked = profile.locator("a[href*='/r/']").first
        if network == "Pinterest":
            tracked = profile.get_by_role("link", name="Visit site")
        tracked.click()
        expect(profile).to_have_url(re.compile(rf"^{re.escape(site.base_url)}/"))
