"""The whole invite flow in a real browser: an owner makes a link, a stranger opens it in a
fresh browser, signs up, and lands in the (unlisted) community."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.login_form import submit_login

pytestmark = pytest.mark.browser

ANA = "ana@demo.sosoon.test"


def test_owner_invites_a_stranger_who_signs_up_and_lands_in_the_community(live, new_page):
    owner = new_page()
    owner.goto("/accounts/login/")
    submit_login(owner, ANA)
    owner.goto("/c/natural-wine-club/")
    owner.get_by_role("navigation", name="Natural Wine Club").get_by_role(
        "link", name="Invitations"
    ).click()
    owner.get_by_label("Maximum uses").fill("1")
    owner.get_by_role("button", name="Create link").click()
    expect(owner.get_by_text("Invitation link created")).to_be_visible()
    newest = owner.get_by_test_id("invitation").first
    expect(newest).to_contain_text("used 0 of 1")
    link = newest.get_by_test_id("invitation-link").input_value()
    assert re.fullmatch(rf"{re.escape(live.base_url)}/invite/[A-Za-z0-9_-]{{32}}/", link)

    stranger = new_page()
    stranger.goto("/c/natural-wine-club/")
    expect(stranger.get_by_role("heading", name="Not found")).to_be_visible()
    stranger.goto("/accounts/signup/")
    expect(stranger.get_by_text("Sign Up Closed")).to_be_visible()

    stranger.goto(link)
    expect(
        stranger.get_by_role("heading", name="You are invited to Natural Wine Club")
    ).to_be_visible()
    stranger.get_by_test_id("signup").click()
    stranger.get_by_label("Email").fill("newcomer@example.test")
    stranger.get_by_label("Password:", exact=True).fill("a long pass phrase 42")
    stranger.get_by_label("Password (again):").fill("a long pass phrase 42")
    stranger.get_by_label("Handle").fill("newcomer")
    stranger.get_by_label("Display name").fill("New Comer")
    stranger.get_by_role("button", name="Sign Up").click()

    expect(stranger).to_have_url(live.url("/c/natural-wine-club/"))
    expect(stranger.get_by_text("Welcome to Natural Wine Club!")).to_be_visible()
    expect(stranger.get_by_test_id("membership")).to_contain_text("Your role here: Member")
    stranger.goto("/")
    expect(stranger.get_by_test_id("my-communities")).to_contain_text("Natural Wine Club")

    owner.reload()
    expect(owner.get_by_test_id("invitation").first).to_contain_text("used 1 of 1")
    owner.goto("/c/natural-wine-club/members/?q=newcomer")
    expect(owner.get_by_test_id("member-newcomer")).to_be_visible()
