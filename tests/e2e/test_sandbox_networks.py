"""The demo's brand owner tries cross-posting in a real browser against `manage.py serve` with
the sandbox networks: connects a Sandbox X, Pinterest and TikTok account through each
sandbox's consent page, schedules the public teaser to all three, watches them publish, and
finds each on its sandbox's public profile with the tracked link back to Sosoon."""

import os
import re
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ACTION_TIMEOUT_MS, LiveSosoon, free_port
from tests.e2e.databases import scratch_database
from tests.e2e.login_form import submit_login
from tests.feeds.crossposting.test_sandbox_networks import free_port_block

pytestmark = pytest.mark.browser

TEASER = "Spring allocation"
NETWORKS = ("X", "Pinterest", "TikTok")
# q2's scheduler wakes every 30 s; the TikTok sandbox reports processing for one poll.
PUBLISH_SECONDS = 150
# serve starts daphne, a job cluster and the sandboxes at once: slower than daphne alone.
STARTUP_SECONDS = 120


def wait_until_serving(site: LiveSosoon, server) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"serve exited before answering:\n{server.output()}")
        try:
            with urllib.request.urlopen(site.url("/healthz"), timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    pytest.fail(f"serve did not answer on /healthz within {STARTUP_SECONDS} s:\n{server.output()}")


@pytest.fixture(scope="module")
def sandbox_site(tmp_path_factory):
    """`manage.py serve` (daphne, the job cluster and the sandboxes) on a seeded database."""
    workdir = tmp_path_factory.mktemp("sandbox-site")
    with scratch_database(
        os.environ.get("DATABASE_URL", ""), suffix="sandbox", directory=workdir
    ) as database_url:
        port, sandbox_port = free_port(), free_port_block()
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("SOSOON_X_", "SOSOON_PINTEREST_", "SOSOON_TIKTOK_"))
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "sosoon_site.settings",
                "DEBUG": "1",
                "DATABASE_URL": database_url,
                "MEDIA_ROOT": str(workdir / "media"),
                "SOSOON_PRIVATE_MEDIA_ROOT": str(workdir / "private"),
                "SOSOON_SANDBOX_NETWORKS": "1",
                "SOSOON_SANDBOX_PORT": str(sandbox_port),
                "SOSOON_SANDBOX_STATE_DIR": str(workdir / "sandbox"),
            }
        )
        site = LiveSosoon(base_url=f"http://127.0.0.1:{port}", env=env, workdir=workdir)
        site.manage("migrate", "--noinput", "--verbosity", "0", timeout=STARTUP_SECONDS * 5)
        site.manage("seed_demo", timeout=STARTUP_SECONDS * 5)
        serve = [sys.executable, "manage.py", "serve", "--port", str(port)]
        with site.background(serve, name="serve") as server:
            wait_until_serving(site, server)
            yield site, sandbox_port


def test_a_brand_owner_cross_posts_to_the_three_sandboxes(browser, sandbox_site):
    site, sandbox_port = sandbox_site
    context = browser.new_context(base_url=site.base_url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    ana: Page = context.new_page()
    ana.goto("/accounts/login/")
    submit_login(ana, "ana@demo.sosoon.test")
    expect(ana.get_by_test_id("me")).to_be_visible()

    ana.goto("/c/natural-wine-club/crossposts/accounts/")
    expect(ana.get_by_test_id("sandbox-notice")).to_be_visible()
    for network in NETWORKS:
        ana.get_by_role("button", name=f"Connect Sandbox {network}").click()
        expect(ana).to_have_title(re.compile(rf"\(Sandbox {network}\)"))
        ana.get_by_role("button", name="Authorize").click()
        expect(ana.get_by_text(f"Sandbox {network} @wineclub").first).to_be_visible()

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

    deadline = time.monotonic() + PUBLISH_SECONDS
    statuses = ana.get_by_test_id("crosspost-status")
    while time.monotonic() < deadline:
        ana.reload()
        if statuses.all_inner_texts() == ["Published"] * 3:
            break
        time.sleep(5)
    assert statuses.all_inner_texts() == ["Published"] * 3

    for offset, network in enumerate(NETWORKS):
        with ana.expect_popup() as opened:
            ana.get_by_role("link", name=f"View on Sandbox {network}").click()
        post_page = opened.value
        expect(post_page).to_have_title(re.compile(rf"\(Sandbox {network}\)$"))
        profile = context.new_page()
        profile.goto(f"http://127.0.0.1:{sandbox_port + offset}/")
        expect(profile.get_by_text(TEASER).first).to_be_visible()
        tracked = profile.locator("a[href*='/r/']").first
        if network == "Pinterest":
            tracked = profile.get_by_role("link", name="Visit site")
        tracked.click()
        expect(profile).to_have_url(re.compile(rf"^{re.escape(site.base_url)}/"))
    context.close()
