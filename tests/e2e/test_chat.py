"""Chat in real browsers against a real daphne: one member types, another sees the message
appear live; a member removed by the owner stops receiving on the page they still have open."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.login_form import submit_login

pytestmark = pytest.mark.browser

COMMUNITY = "/c/natural-wine-club/"


def signed_in(page: Page, email: str) -> Page:
    page.goto("/accounts/login/")
    submit_login(page, email)
    expect(page.get_by_test_id("me")).to_be_visible()
    page.goto(COMMUNITY)
    return page


def messages_of(page: Page):
    return page.get_by_test_id("chat-messages")


def test_a_message_appears_live_and_a_removed_member_stops_receiving(new_page):
    emma = signed_in(new_page(), "emma@demo.sosoon.test")
    farid = signed_in(new_page(viewport={"width": 390, "height": 844}), "farid@demo.sosoon.test")
    expect(farid.locator("[data-online]")).to_contain_text("Emma Schulz")

    composer = emma.get_by_label("Message", exact=True)
    composer.press_sequentially("First pour of the **Gamay** tonight")
    expect(farid.locator("[data-typing]")).to_have_text("Emma Schulz is typing…")
    composer.press("Enter")

    expect(messages_of(farid)).to_contain_text("First pour of the Gamay tonight")
    expect(messages_of(farid).locator("strong", has_text="Gamay")).to_be_visible()
    expect(messages_of(emma)).to_contain_text("First pour of the Gamay tonight")

    ana = signed_in(new_page(), "ana@demo.sosoon.test")
    ana.goto(f"{COMMUNITY}members/")
    ana.get_by_test_id("member-farid").get_by_role("button", name="Remove").click()
    expect(ana.get_by_test_id("member-farid")).to_have_count(0)

    expect(farid.locator("[data-status]")).to_contain_text(
        re.compile("no longer a member of Natural Wine Club")
    )
    expect(farid.get_by_label("Message", exact=True)).to_be_disabled()
    composer.fill("Farid should not see this one")
    composer.press("Enter")
    expect(messages_of(emma)).to_contain_text("Farid should not see this one")
    farid.wait_for_timeout(1000)
    expect(messages_of(farid)).not_to_contain_text("Farid should not see this one")
