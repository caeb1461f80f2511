"""The app shell in Chromium: on a phone the top bar stays one line and the sections sit in
a bottom tab bar, the Menu opens the sidebar as a drawer; on a wide screen the sidebar lists
my communities and the current one's rooms."""

import pytest
from playwright.sync_api import expect

from tests.e2e.login_form import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
TABS = ["Home", "Communities", "Messages", "Notifications", "Ana Lima"]


def test_on_a_phone_the_top_bar_is_one_line_and_the_tabs_sit_at_the_bottom(new_page):
    page = sign_in(new_page(viewport=PHONE), "ana@demo.sosoon.test")
    page.goto("/c/natural-wine-club/")
    topbar = page.locator(".topbar").bounding_box()
    assert topbar["height"] < 64, topbar

    tabs = [page.locator(".topbar__links > li.tab", has_text=name) for name in TABS]
    boxes = [tab.bounding_box() for tab in tabs]
    assert all(box["y"] > PHONE["height"] - 70 for box in boxes), boxes
    assert [box["x"] for box in boxes] == sorted(box["x"] for box in boxes)
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()

    expect(page.locator("#sidebar")).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    drawer = page.locator("#sidebar")
    expect(drawer).to_be_visible()
    expect(drawer).to_contain_text("Natural Wine Club")
    expect(drawer.get_by_test_id("sidebar-room").first).to_contain_text("#general")
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()


def test_on_a_wide_screen_the_sidebar_lists_my_communities_and_rooms(new_page):
    page = sign_in(new_page(viewport=DESKTOP), "ana@demo.sosoon.test")
    sidebar = page.locator("#sidebar")
    expect(sidebar).to_contain_text("Natural Wine Club")
    expect(sidebar.get_by_test_id("sidebar-room")).to_have_count(0)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()

    sidebar.get_by_role("link", name="Natural Wine Club").click()
    expect(sidebar.get_by_test_id("sidebar-room").first).to_contain_text("#general")
    topbar = page.locator(".topbar").bounding_box()
    assert topbar["height"] < 64, topbar
