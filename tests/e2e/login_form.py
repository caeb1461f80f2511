"""allauth's login form, filled in the way a person fills it."""

from playwright.sync_api import Page

from sosoon_site.accounts.demo import DEMO_PASSWORD


def submit_login(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Type `email` and `password` into the login form on the current page and submit it."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
