"""The copy button beside an invitation link, on a phone: it copies the whole link, says so,
and the page fits the screen. Without JavaScript there is no button, and the link is still
there to select."""

import pytest
from playwright.sync_api import expect

from tests.e2e.login_form import submit_login

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
INVITATIONS = "/c/natural-wine-club/invitations/"


def test_the_copy_button_copies_the_link_on_a_phone(live, new_page):
    owner = new_page(
        viewport=PHONE, has_touch=True, permissions=["clipboard-read", "clipboard-write"]
    )
    owner.goto("/accounts/login/")
    submit_login(owner, "ana@demo.sosoon.test")
    owner.goto(INVITATIONS)
    owner.get_by_role("button", name="Create link").click()
    expect(owner.get_by_text("Invitation link created")).to_be_visible()

    newest = owner.get_by_test_id("invitation").first
    link = newest.get_by_test_id("invitation-link").input_value()
    copy = newest.get_by_role("button", name="Copy link")
    expect(copy).to_be_visible()
    box = copy.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["height"] >= 32, "a finger needs something to press"

    copy.tap()
    expect(newest.get_by_role("button", name="Copied")).to_be_visible()
    expect(newest.get_by_role("status")).to_have_text("Copied")
    assert owner.evaluate("() => navigator.clipboard.readText()") == link
    assert link.startswith(live.url("/invite/"))
    # Nothing on the page is wider than the phone.
    assert owner.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    # The label comes back, ready for the next copy.
    expect(newest.get_by_role("button", name="Copy link")).to_be_visible(timeout=5000)


def test_without_javascript_the_link_is_there_to_select(new_page):
    owner = new_page(viewport=PHONE, java_script_enabled=False)
    owner.goto("/accounts/login/")
    submit_login(owner, "ana@demo.sosoon.test")
    owner.goto(INVITATIONS)
    owner.get_by_role("button", name="Create link").click()
    newest = owner.get_by_test_id("invitation").first
    field = newest.get_by_test_id("invitation-link")
    expect(field).to_be_visible()
    expect(field).to_have_attribute("readonly", "")
    assert "/invite/" in field.input_value()
    expect(newest.get_by_role("button", name="Copy link")).to_be_hidden()
