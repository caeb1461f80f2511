"""allauth's login form, filled in the way a person fills it."""

from playwright.sync_api import Page, expect

from sosoon_site.accounts.demo import DEMO_PASSWORD


def submit_login(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Type `email` and `password` into the login form on the current page and submit it."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> Page:
    """Sign in through the real login page and wait until the site shows who is signed in."""
    page.goto("/accounts/login/")
    submit_login(page, email, password)
    expect(page.get_by_test_id("me")).to_be_visible()
    return page
