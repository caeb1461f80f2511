"""Browser-test fixtures: a real daphne on a database of its own, and Chromium to drive it.

`live` (one per test session) migrates and seeds a scratch database (see databases.py), then
serves it with `python -m daphne`, exactly as `make run` does. The test process's own database
is pytest-django's in-memory SQLite, which another process cannot open, so browser tests never
use the `db` fixture: they prepare data through `live.manage(...)` / `live.python(...)`, which
run in subprocesses against the live site's database.

    def test_something(live, page):
        live.python("from sosoon_site.accounts.models import User; print(User.objects.count())")
        page.goto("/")  # relative to live.base_url

Every test module here sets `pytestmark = pytest.mark.browser`, so tests/conftest.py skips it
where Debian's Chromium is missing.
"""

import os
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.e2e.databases import scratch_database
from tests.feeds.crossposting.test_sandbox_networks import free_port_block
from tests.launcher import (
    Background,
    dev_daphne_command,
    development_env,
    free_port,
    run_manage,
    running,
    sandbox_variables,
    wait_until_healthy,
    without_network_credentials,
)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
COMMAND_TIMEOUT_SECONDS = 120
# Playwright waits up to 30 s by default; a page of ours that needs more than 10 s is broken.
ACTION_TIMEOUT_MS = 10_000
# serve starts daphne, a job cluster and the sandboxes at once: slower than daphne alone.
STARTUP_SECONDS = 120


@dataclass(frozen=True)
class LiveSosoon:
    """The running site: where it answers, and how to run commands against its database."""

    base_url: str
    env: Mapping[str, str]
    workdir: Path

    def url(self, path: str = "/") -> str:
        """Absolute URL of `path` on the live site."""
        return f"{self.base_url}{path}"

    def manage(self, *args: str, timeout: float = COMMAND_TIMEOUT_SECONDS) -> str:
        """Run `manage.py <args>` against the live site's database; return its stdout.

        A command that exits non-zero fails the test, showing its stderr.
        """
        result = run_manage(self.env, *args, timeout=timeout)
        if result.returncode:
            pytest.fail(
                f"manage.py {' '.join(args)} exited with {result.returncode}:\n{result.stderr}"
            )
        return result.stdout

    def python(self, code: str) -> str:
        """Run `code` in Django's shell against the live database; return what it printed.

        The shell's automatic imports are off, so a snippet imports what it uses.
        """
        return self.manage("shell", "--no-imports", "--verbosity", "0", "--command", code).strip()

    def running(self, *args: str) -> AbstractContextManager[Background]:
        """Run `manage.py <args>` (e.g. "qcluster") for the duration of a `with` block.

        On exit it gets SIGINT, as from Ctrl-C in `make run`, and is killed if it lingers.
        """
        return self.background([sys.executable, "manage.py", *args], name=args[0])

    def background(self, argv: list[str], *, name: str) -> AbstractContextManager[Background]:
        """Run `argv` in the site's environment for the block; its output goes to a log file."""
        return running(argv, env=self.env, log=self.workdir / f"{name}.log")


@pytest.fixture(scope="session")
def live(tmp_path_factory) -> Iterator[LiveSosoon]:
    """Sosoon served by daphne on a free port, on a freshly migrated and seeded database."""
    workdir = tmp_path_factory.mktemp("live")
    configured_url = os.environ.get("DATABASE_URL", "")
    with scratch_database(configured_url, suffix="e2e", directory=workdir) as database_url:
        # The live site runs the settings production runs, not pytest's tests.settings.
        env = development_env(os.environ, database_url=database_url, workdir=workdir)
        port = free_port()
        site = LiveSosoon(base_url=f"http://127.0.0.1:{port}", env=env, workdir=workdir)
        site.manage("migrate", "--noinput", "--verbosity", "0")
        site.manage("seed_demo")
        with site.background(dev_daphne_command(port), name="daphne") as server:
            wait_until_healthy(site.url("/healthz"), server)
            yield site


@dataclass(frozen=True)
class SandboxSite:
    """`manage.py serve` on a seeded database: the site, and the first of the three ports the
    sandbox X, Pinterest and TikTok answer on (in that order)."""

    site: LiveSosoon
    sandbox_port: int

    def profile_url(self, offset: int) -> str:
        """The public profile page of the sandbox at `offset` (0 X, 1 Pinterest, 2 TikTok)."""
        return f"http://127.0.0.1:{self.sandbox_port + offset}/"


def _wait_until_serving(site: LiveSosoon, server: Background) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"serve exited before answering:\n{server.output()}")
        try:
            with urllib.request.urlopen(site.url("/healthz"), timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    pytest.fail(f"serve did not answer on /healthz within {STARTUP_SECONDS} s:\n{server.output()}")


@pytest.fixture(scope="module")
def sandbox_site(tmp_path_factory) -> Iterator[SandboxSite]:
    """`manage.py serve` (daphne, the job cluster and the sandboxes) on a seeded database, as
    `make run` starts the demo: the cluster publishes and sweeps metrics on its schedule."""
    workdir = tmp_path_factory.mktemp("sandbox-site")
    with scratch_database(
        os.environ.get("DATABASE_URL", ""), suffix="sandbox", directory=workdir
    ) as database_url:
        port, sandbox_port = free_port(), free_port_block()
        env = development_env(
            without_network_credentials(os.environ),
            database_url=database_url,
            workdir=workdir,
            **sandbox_variables(port=sandbox_port, state_dir=workdir / "sandbox"),
            # daphne and each cluster process hold a pool of their own; beside the other
            # workers' tests, the default (17 each) can exhaust PostgreSQL's 100.
            SOSOON_DB_POOL_MAX_SIZE="4",
            SOSOON_CROSSPOST_CONCURRENCY="3",
        )
        site = LiveSosoon(base_url=f"http://127.0.0.1:{port}", env=env, workdir=workdir)
        site.manage("migrate", "--noinput", "--verbosity", "0", timeout=STARTUP_SECONDS * 5)
        site.manage("seed_demo", timeout=STARTUP_SECONDS * 5)
        serve = [sys.executable, "manage.py", "serve", "--port", str(port)]
        with site.background(serve, name="serve") as server:
            _wait_until_serving(site, server)
            yield SandboxSite(site=site, sandbox_port=sandbox_port)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, one per test module.

    While Playwright's sync API is open it marks its event loop as running in this thread, so
    Django's ORM and pytest-asyncio refuse to work here until it stops. Module scope confines
    that to the browser tests, which reach the database only through `live`.
    """
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


# Playwright's init script is not subject to the page's policy; it reports each violation
# (a refused script, style, image or connection) to the console, where `csp_violations`
# collects it alongside Chromium's own "Refused to ..." messages.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} refused ${event.blockedURI || "inline"}`
    + ` on ${event.documentURI}`);
});
"""


@pytest.fixture
def csp_violations() -> Iterator[list[str]]:
    """What the Content-Security-Policy refused on any page of the test; a test that leaves
    one here fails. (A test that provokes one on purpose clears the list.)"""
    seen: list[str] = []
    yield seen
    if seen:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(seen))


@contextmanager
def _pages(browser: Browser, base_url: str, violations: list[str]) -> Iterator[Callable[..., Page]]:
    """Open pages in fresh browser contexts on `base_url`, each watched for CSP violations;
    every context is closed when the block ends."""
    contexts = []

    def watch(message) -> None:
        if message.text.startswith(("CSP violation", "Refused to")):
            violations.append(message.text)

    def open_page(**context_options) -> Page:
        # English, whatever this machine's locale: the tests read the English pages.
        context_options.setdefault("locale", "en-US")
        context = browser.new_context(base_url=base_url, **context_options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on("console", watch)
        contexts.append(context)
        return context.new_page()

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def new_page(browser, live, csp_violations) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh browser context (its own cookies) on the live site.

    Keyword arguments go to Browser.new_context, e.g. `new_page(viewport={...})`. Relative
    URLs resolve against the live site, so `page.goto("/")` opens its home page. Every page
    is watched for Content-Security-Policy violations (see `csp_violations`).
    """
    with _pages(browser, live.base_url, csp_violations) as open_page:
        yield open_page


@pytest.fixture
def new_sandbox_page(browser, sandbox_site, csp_violations) -> Iterator[Callable[..., Page]]:
    """`new_page` on the `sandbox_site` (`manage.py serve` with the sandbox networks)."""
    with _pages(browser, sandbox_site.site.base_url, csp_violations) as open_page:
        yield open_page


@pytest.fixture
def page(new_page) -> Page:
    """A page in a fresh, signed-out browser context at the default desktop size."""
    return new_page()
