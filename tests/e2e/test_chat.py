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
    ana.get_by_test_id("member-farid").get_by_role("link", name="Remove").click()
    ana.get_by_label("Reason").fill("Farid asked to leave the club")
    ana.get_by_role("button", name="Remove").click()
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


def test_after_a_dropped_connection_the_page_gets_new_and_edited_messages(new_page):
    """The connection drops (the page's socket is cut and refused, as in a tunnel); an edit
    and a new message are made meanwhile; when the page reconnects it shows both. Chloe, as
    no other browser test removes her from the club (the test above removes Farid)."""
    emma = signed_in(new_page(), "emma@demo.sosoon.test")
    chloe = new_page()
    cut = {"offline": False, "open": []}

    def through_proxy(socket):
        if cut["offline"]:
            socket.close()
            return
        cut["open"].append((socket, socket.connect_to_server()))

    chloe.route_web_socket(re.compile(r"/ws/$"), through_proxy)
    signed_in(chloe, "chloe@demo.sosoon.test")
    expect(chloe.locator("[data-online]")).to_contain_text("Emma Schulz")
    composer = emma.get_by_label("Message", exact=True)
    composer.fill("Before the tunnel")
    composer.press("Enter")
    expect(messages_of(chloe)).to_contain_text("Before the tunnel")

    cut["offline"] = True
    for page_side, server_side in cut["open"]:
        server_side.close()
        page_side.close()
    expect(chloe.locator("[data-status]")).to_contain_text("Reconnecting")
    messages_of(emma).get_by_role("listitem").filter(has_text="Before the tunnel").get_by_role(
        "button", name="Edit"
    ).click()
    composer.fill("Before the tunnel, edited")
    composer.press("Enter")
    expect(messages_of(emma)).to_contain_text("Before the tunnel, edited")
    composer.fill("While you were in the tunnel")
    composer.press("Enter")
    expect(messages_of(emma)).to_contain_text("While you were in the tunnel")
    expect(messages_of(chloe)).not_to_contain_text("While you were in the tunnel")

    cut["offline"] = False
    expect(messages_of(chloe)).to_contain_text("While you were in the tunnel", timeout=20_000)
    expect(messages_of(chloe)).to_contain_text("Before the tunnel, edited")
