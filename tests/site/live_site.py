"""A real daphne (and, on request, a real qcluster) on a scratch database, with the
environment an operator would set, for tests that must meet the site where users do.

    with live_site(tmp_path, suffix="mail", EMAIL_PORT="2525") as site, site.running("qcluster"):
        httpx.get(site.url("/healthz"))
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.e2e.conftest import LiveSosoon
from tests.e2e.databases import scratch_database
from tests.launcher import dev_daphne_command, development_env, free_port, wait_until_healthy

SIGNUP_PASSWORD = "a long pass phrase 42"


@contextmanager
def live_site(workdir: Path, *, suffix: str, **variables: str) -> Iterator[LiveSosoon]:
    """Sosoon served by daphne on a free port, migrated, with `variables` in its environment
    (DEBUG=1 unless they say otherwise)."""
    with scratch_database(
        os.environ.get("DATABASE_URL", ""), suffix=suffix, directory=workdir
    ) as database_url:
        env = development_env(os.environ, database_url=database_url, workdir=workdir, **variables)
        port = free_port()
        site = LiveSosoon(base_url=f"http://127.0.0.1:{port}", env=env, workdir=workdir)
        site.manage("migrate", "--noinput", "--verbosity", "0")
        with site.background(dev_daphne_command(port), name="daphne") as server:
            wait_until_healthy(site.url("/healthz"), server)
            yield site


ONE_USE_INVITATION = """
from communities.services.invitations import do_create_invitation
from tests.factories import UserFactory, create_community
owner = UserFactory(handle="liveowner")
community = create_community(owner=owner, name="Live Wine", slug="live-wine")
print(do_create_invitation(community, owner, tier=community.tiers.first(), max_uses=1).token)
"""


def one_use_invitation(site: LiveSosoon) -> str:
    """Make an owner, a community and a one-use invitation link on `site`; its token."""
    return site.python(ONE_USE_INVITATION)


def open_signup_form(visitor: httpx.Client, token: str) -> str:
    """Open the invitation link, then the sign-up form, as a visitor's browser; the CSRF token."""
    visitor.get(f"/invite/{token}/").raise_for_status()
    visitor.get("/accounts/signup/").raise_for_status()
    return visitor.cookies["csrftoken"]


def submit_signup(visitor: httpx.Client, csrf: str, *, email: str, handle: str) -> httpx.Response:
    return visitor.post(
        "/accounts/signup/",
        data={
            "csrfmiddlewaretoken": csrf,
            "email": email,
            "password1": SIGNUP_PASSWORD,
            "password2": SIGNUP_PASSWORD,
            "handle": handle,
        },
    )
