"""Every main page passes axe-core (axe-playwright-python, run in Debian's Chromium against a
real daphne) with no serious or critical violation, in the light and the dark theme, signed
out and signed in as the owner of the demo's Natural Wine Club."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.login_form import sign_in
from tests.e2e.main_pages import (
    NEWEST_COMMUNITY_POST,
    OWNER_EMAIL,
    SIGNED_OUT,
    signed_in_paths,
)

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}


def _violations(page, path: str) -> list[str]:
    """axe's serious and critical findings on `path`, one line each with where they are."""
    page.goto(path)
    page.wait_for_load_state("networkidle")
    found = Axe().run(page).response["violations"]
    return [
        f"{path} [{theme}] {violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in found
        if violation["impact"] in BLOCKING
        for theme in [page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")]
    ]


@pytest.fixture
def first_post(live) -> str:
    return live.python(NEWEST_COMMUNITY_POST)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_main_pages_have_no_serious_or_critical_violations(new_page, first_post, scheme):
    stranger = new_page(color_scheme=scheme)
    problems = [line for path in SIGNED_OUT.values() for line in _violations(stranger, path)]
    owner = sign_in(new_page(color_scheme=scheme), OWNER_EMAIL)
    for path in signed_in_paths(first_post).values():
        problems += _violations(owner, path)
    assert not problems, "\n".join(problems)


def test_the_keyboard_reaches_the_navigation_with_a_visible_focus_ring(new_page):
    owner = sign_in(new_page(), OWNER_EMAIL)
    owner.goto("/")
    reached = []
    for _ in range(8):
        owner.keyboard.press("Tab")
        reached.append(
            owner.evaluate(
                """() => {
                  const element = document.activeElement;
                  const style = getComputedStyle(element);
                  const width = parseFloat(style.outlineWidth);
                  return [element.textContent.trim(), style.outlineStyle, width];
                }"""
            )
        )
    names = [name for name, _, _ in reached]
    assert names[0] == "Skip to content"
    assert {"Notifications", "Search", "Messages"} <= {name.split(" ")[0] for name in names}
    assert all(style != "none" and width >= 2 for _, style, width in reached), reached
