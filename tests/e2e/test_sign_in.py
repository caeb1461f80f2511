"""Signing in with allauth's real form, against daphne, as a demo member."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.login_form import submit_login

pytestmark = pytest.mark.browser

ANA = "ana@demo.sosoon.test"
PHONE = {"width": 390, "height": 844}


def test_demo_member_signs_in_from_the_home_page(live, page):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    submit_login(page, ANA)

    expect(page).to_have_url(live.url("/"))
    expect(page.get_by_test_id("welcome-name")).to_have_text("Ana Lima")


def test_wrong_password_stays_on_the_login_page(page):
    page.goto("/accounts/login/")

    submit_login(page, ANA, password="not-the-demo-password")

    expect(
        page.get_by_text("The email address and/or password you specified are not correct.")
    ).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_text("Ana Lima")).to_have_count(0)
    page.goto("/")
    expect(page.get_by_test_id("welcome-name")).to_have_count(0)


@pytest.mark.parametrize("signed_in", [False, True], ids=["landing", "member-home"])
def test_home_page_fits_a_phone_screen(new_page, signed_in):
    page = new_page(viewport=PHONE)
    if signed_in:
        page.goto("/accounts/login/")
        submit_login(page, ANA)
        expect(page.get_by_test_id("welcome-name")).to_be_visible()
    else:
        page.goto("/")
        expect(page.get_by_role("main").get_by_role("link", name="Sign in")).to_be_visible()

    # Stylesheets and images change the layout until the page has loaded.
    page.wait_for_load_state("load")
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a phone"
    assert page.title().strip(), "the page has no <title>"
