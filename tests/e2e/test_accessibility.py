"""Every main page passes axe-core (axe-playwright-python, run in Debian's Chromium against a
real daphne) with no serious or critical violation, in the light and the dark theme, signed
out and signed in as the owner of the demo's Natural Wine Club."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.login_form import sign_in

pytestmark = pytest.mark.browser

COMMUNITY = "/c/natural-wine-club"
SIGNED_OUT = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
SIGNED_IN = [
    "/",
    "/?order=top",
    f"{COMMUNITY}/",
    f"{COMMUNITY}/posts/",
    "{post}",
    f"{COMMUNITY}/members/",
    f"{COMMUNITY}/invitations/",
    f"{COMMUNITY}/moderation/",
    f"{COMMUNITY}/settings/",
    f"{COMMUNITY}/crossposts/",
    "/c/",
    "/notifications/",
    "/messages/",
    "/circles/",
    "/profile/",
    "/search/?q=wine",
    "/people/ben/",
]
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
    return live.python(
        "from feeds.models import Post; "
        "print(Post.objects.filter(community__slug='natural-wine-club', audience='community')"
        ".order_by('-created').values_list('pk', flat=True)[0])"
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_main_pages_have_no_serious_or_critical_violations(new_page, first_post, scheme):
    stranger = new_page(color_scheme=scheme)
    problems = [line for path in SIGNED_OUT for line in _violations(stranger, path)]
    owner = sign_in(new_page(color_scheme=scheme), "ana@demo.sosoon.test")
    for path in SIGNED_IN:
        problems += _violations(owner, path.format(post=f"/p/{first_post}/"))
    assert not problems, "\n".join(problems)


def test_the_keyboard_reaches_the_navigation_with_a_visible_focus_ring(new_page):
    owner = sign_in(new_page(), "ana@demo.sosoon.test")
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
