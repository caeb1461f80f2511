"""What a brand owner and a stranger do with cross-posting in a browser, step by step, for the
browser tests that walk part or all of it (connect, wait for publishing, join by the teaser)."""

import re
import time

from playwright.sync_api import Page, expect

NETWORKS = ("X", "Pinterest", "TikTok")
# q2's scheduler wakes every 30 s; the TikTok sandbox reports processing for one poll.
PUBLISH_SECONDS = 150


def connect_sandbox_accounts(owner: Page, slug: str, handle: str) -> None:
    """From the community's Connected accounts page, connect a Sandbox X, Pinterest and
    TikTok account through each sandbox's consent page (the real OAuth redirects)."""
    owner.goto(f"/c/{slug}/crossposts/accounts/")
    expect(owner.get_by_test_id("sandbox-notice")).to_be_visible()
    for network in NETWORKS:
        owner.get_by_role("button", name=f"Connect Sandbox {network}").click()
        expect(owner).to_have_title(re.compile(rf"\(Sandbox {network}\)"))
        owner.get_by_role("button", name="Authorize").click()
        expect(owner.get_by_text(f"Sandbox {network} @{handle}").first).to_be_visible()


def wait_until_published(owner: Page, count: int, *, seconds: float = PUBLISH_SECONDS) -> None:
    """Reload the cross-post list open in `owner` until its `count` cross-posts are all
    published, as the owner would; fails when they are not within `seconds`."""
    statuses = owner.get_by_test_id("crosspost-status")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        owner.reload()
        if statuses.all_inner_texts() == ["Published"] * count:
            return
        time.sleep(5)
    assert statuses.all_inner_texts() == ["Published"] * count


def sign_up_through_the_teaser(stranger: Page, community: str, *, email: str, handle: str) -> None:
    """On a cross-post's teaser page: join, sign up with a new account, and submit."""
    stranger.get_by_test_id("join-link").click()
    expect(stranger.get_by_role("heading", name=f"You are invited to {community}")).to_be_visible()
    stranger.get_by_test_id("signup").click()
    stranger.get_by_label("Email").fill(email)
    stranger.get_by_label("Password:", exact=True).fill("a long pass phrase 42")
    stranger.get_by_label("Password (again):").fill("a long pass phrase 42")
    stranger.get_by_label("Handle").fill(handle)
    stranger.get_by_label("Display name").fill(handle.title())
    stranger.get_by_role("button", name="Sign Up").click()
