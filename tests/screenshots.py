"""`make screenshots`: every main page (tests/e2e/main_pages.py) at a phone's size and a
laptop's, in Debian's Chromium against a real daphne on a freshly seeded demo database, as
PNG files in var/screenshots/ (`<page>-phone.png`, `<page>-wide.png`) for review.

Nothing here is a test: it shows people what the site looks like. Needs /usr/bin/chromium.
"""

import os
import sys
import tempfile
from pathlib import Path

import django

# The shared browser-test helpers import the site's models (the demo password, the launcher).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sosoon_site.settings")
django.setup()

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.conftest import CHROMIUM_ARGS  # noqa: E402
from tests.e2e.databases import scratch_database  # noqa: E402
from tests.e2e.login_form import submit_login  # noqa: E402
from tests.e2e.main_pages import (  # noqa: E402
    NEWEST_COMMUNITY_POST,
    OWNER_EMAIL,
    SIGNED_OUT,
    signed_in_paths,
)
from tests.launcher import (  # noqa: E402
    BASE_DIR,
    dev_daphne_command,
    development_env,
    free_port,
    run_manage,
    running,
    wait_until_healthy,
)

OUTPUT = BASE_DIR / "var" / "screenshots"
SIZES = {"phone": {"width": 390, "height": 844}, "wide": {"width": 1280, "height": 800}}


def _manage(env, *args: str) -> str:
    result = run_manage(env, *args)
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def photograph(base_url: str, post_id: str) -> list[Path]:
    """Every main page at every size, signed out and then as the demo owner."""
    made = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        for size, viewport in SIZES.items():
            for signed_in, pages in ((False, SIGNED_OUT), (True, signed_in_paths(post_id))):
                context = browser.new_context(base_url=base_url, viewport=viewport, locale="en-US")
                page = context.new_page()
                if signed_in:
                    page.goto("/accounts/login/")
                    submit_login(page, OWNER_EMAIL)
                    page.get_by_test_id("me").wait_for()
                for name, path in pages.items():
                    page.goto(path)
                    page.wait_for_load_state("networkidle")
                    target = OUTPUT / f"{name if signed_in else 'out-' + name}-{size}.png"
                    page.screenshot(path=target, full_page=True)
                    made.append(target)
                context.close()
        browser.close()
    return made


def main() -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sosoon-screenshots-") as directory:
        workdir = Path(directory)
        with scratch_database(
            os.environ.get("DATABASE_URL", ""), suffix="screenshots", directory=workdir
        ) as database_url:
            env = development_env(os.environ, database_url=database_url, workdir=workdir)
            _manage(env, "migrate", "--noinput", "--verbosity", "0")
            _manage(env, "seed_demo")
            post_id = _manage(
                env, "shell", "--no-imports", "--verbosity", "0", "--command",
                NEWEST_COMMUNITY_POST,
            ).strip()  # fmt: skip
            port = free_port()
            with running(dev_daphne_command(port), env=env, log=workdir / "daphne.log") as server:
                wait_until_healthy(f"http://127.0.0.1:{port}/healthz", server)
                made = photograph(f"http://127.0.0.1:{port}", post_id)
    print(f"{len(made)} screenshots in {OUTPUT.relative_to(BASE_DIR)}/")


if __name__ == "__main__":
    main()
