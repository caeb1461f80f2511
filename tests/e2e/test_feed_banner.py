"""Feed pages kept live, in real browsers against a real daphne: a close-friends post reaches
the "N new posts" banner of a friend looking at the home feed on a phone, and never the banner
of a member outside the circle; a post a moderator hides leaves the open pages of those who
lost it. The browser tests share one live site: these use Gina, whom no other test removes."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.login_form import submit_login

pytestmark = pytest.mark.browser

COMMUNITY = "/c/natural-wine-club/posts/"
BODY = "Opening the last magnum of Poulsard on Friday"


def on_home_feed(page: Page, email: str) -> Page:
    page.goto("/accounts/login/")
    submit_login(page, email)
    expect(page.get_by_test_id("me")).to_be_visible()
    page.wait_for_function("() => window.sosoonSocket && window.sosoonSocket().isOpen")
    return page


def test_a_circle_post_shows_in_the_banner_of_its_audience_only(new_page):
    # In the demo data Emma is in Ana's close friends; Gina is a member but not in it.
    emma = on_home_feed(new_page(viewport={"width": 390, "height": 844}), "emma@demo.sosoon.test")
    gina = on_home_feed(new_page(), "gina@demo.sosoon.test")
    banner = emma.get_by_test_id("new-posts")
    expect(banner).to_be_hidden()

    ana = on_home_feed(new_page(), "ana@demo.sosoon.test")
    ana.goto(COMMUNITY)
    ana.get_by_text("Write a post in").click()
    composer = ana.get_by_test_id("composer")
    composer.get_by_label("Post", exact=True).fill(BODY)
    composer.get_by_label("Close friends").check()
    expect(ana.get_by_test_id("audience-line")).to_contain_text("you and the people of Close")
    composer.get_by_role("button", name="Post").click()
    expect(ana.get_by_text(BODY)).to_be_visible()

    expect(banner).to_be_visible()
    expect(banner).to_have_text("1 new post")
    banner.get_by_role("link").click()
    post = emma.get_by_test_id("post").filter(has_text=BODY)
    expect(post).to_be_visible()
    expect(post.get_by_test_id("audience-badge")).to_have_text("Close friends")

    gina.wait_for_timeout(1000)
    expect(gina.get_by_test_id("new-posts")).to_be_hidden()
    gina.reload()
    expect(gina.get_by_text(BODY)).to_have_count(0)


def test_a_hidden_post_leaves_the_open_pages_of_those_who_lost_it(new_page):
    emma = on_home_feed(new_page(), "emma@demo.sosoon.test")
    emma.goto(COMMUNITY)
    emma.get_by_text("Write a post in").click()
    composer = emma.get_by_test_id("composer")
    composer.get_by_label("Post", exact=True).fill("Selling my cellar, DM me")
    composer.get_by_role("button", name="Post").click()
    post_id = emma.url.rstrip("/").rsplit("/", 1)[-1]

    gina = on_home_feed(new_page(viewport={"width": 390, "height": 844}), "gina@demo.sosoon.test")
    gina.goto(COMMUNITY)
    gina.wait_for_function("() => window.sosoonSocket && window.sosoonSocket().isOpen")
    card = gina.locator(f"#post-{post_id}")
    expect(card).to_contain_text("Selling my cellar")
    emma.goto(COMMUNITY)
    emma.wait_for_function("() => window.sosoonSocket && window.sosoonSocket().isOpen")

    reporter = on_home_feed(new_page(), "gina@demo.sosoon.test")
    reporter.goto(f"/report/post/{post_id}/")
    reporter.get_by_label("Spam").check()
    reporter.get_by_role("button", name="Send report").click()

    ana = on_home_feed(new_page(), "ana@demo.sosoon.test")
    ana.goto("/c/natural-wine-club/moderation/")
    row = ana.get_by_test_id(f"report-post-{post_id}")
    row.get_by_label("Action").select_option("hide")
    row.get_by_label("Reason").fill("No selling, house rules")
    row.get_by_role("button", name="Apply").click()

    expect(gina.get_by_test_id("post-gone")).to_have_text("This post is no longer available.")
    expect(card).to_have_count(0)
    # The author still sees it (held and hidden content stays before its author).
    emma.wait_for_timeout(500)
    expect(emma.locator(f"#post-{post_id}")).to_contain_text("Selling my cellar")
