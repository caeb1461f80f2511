"""A member on a phone opens someone's profile, presses Message and writes; the recipient
sees the unread badge on Messages in the top bar move without reloading, and the messages page
agrees."""

import pytest
from playwright.sync_api import expect

from tests.e2e.login_form import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_a_member_messages_someone_from_their_profile(new_page):
    gina = sign_in(new_page(viewport=PHONE), "gina@demo.sosoon.test")
    chloe = sign_in(new_page(), "chloe@demo.sosoon.test")
    expect(chloe.get_by_test_id("messages-badge")).to_be_hidden()
    chloe.wait_for_function("() => window.sosoonSocket && window.sosoonSocket().isOpen")

    gina.goto("/c/natural-wine-club/members/")
    gina.get_by_test_id("member-chloe").get_by_role("link", name="Chloé Martin").click()
    expect(gina.get_by_role("heading", name="Chloé Martin")).to_be_visible()
    gina.get_by_role("button", name="Message Chloé Martin").click()

    expect(gina).to_have_title("Chloé Martin · Direct messages · Sosoon")
    gina.wait_for_function("() => window.sosoonSocket && window.sosoonSocket().isOpen")
    composer = gina.get_by_label("Message", exact=True)
    composer.fill("Are you coming to the Jura tasting on Friday?")
    composer.press("Enter")
    expect(gina.get_by_test_id("chat-messages")).to_contain_text("Jura tasting on Friday")
    # The page never scrolls sideways on a phone.
    assert gina.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    badge = chloe.get_by_test_id("messages-badge")
    expect(badge).to_have_text("1")
    expect(badge).to_have_attribute("aria-label", "1 unread")
    chloe.get_by_test_id("messages").click()
    conversation = chloe.get_by_role("listitem").filter(has_text="Gina Rossi")
    expect(conversation.get_by_label("1 unread")).to_be_visible()
