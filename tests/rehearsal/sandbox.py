"""The cross-post step: the community's owner schedules a public post to X through the real
scheduling page, and a qcluster publishes it to the sandbox network.

The sandbox is the product's sandbox X (feeds/crossposting/sandbox/: the real API v2 wire
format and rules on 127.0.0.1);
`sandbox_network` and `cross_post` are the only two places that know it, so another sandbox
can take its place here alone.
"""

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from feeds.crossposting.sandbox.x import SandboxX

# q2 runs the dispatch schedule every 30 s (sosoon_site/jobs.py); its scheduler first wakes
# 30 s after a cluster starts.
PUBLISHED_WITHIN_SECONDS = 240


@dataclass
class Sandbox:
    """The network: what the services' environment points at, and the seeded account."""

    fake: SandboxX
    providers: dict[str, str]
    account: dict[str, str]

    def published(self) -> list[dict]:
        return list(self.fake.posts)


@contextmanager
def sandbox_network() -> Iterator[Sandbox]:
    """The sandbox network for the block, with a connected account's tokens."""
    fake = SandboxX().start()
    access, refresh = fake.issue_tokens()
    try:
        yield Sandbox(
            fake=fake,
            providers={
                "SOSOON_X_API_BASE": fake.url,
                "SOSOON_X_CLIENT_ID": fake.client_id,
                "SOSOON_X_CLIENT_SECRET": fake.client_secret,
            },
            account={
                "x_user_id": fake.user_id,
                "x_username": fake.username,
                "access": access,
                "refresh": refresh,
            },
        )
    finally:
        fake.stop()


async def cross_post(owner, sandbox: Sandbox, post_id: int) -> float:
    """`owner` schedules `post_id` for now on the sandbox account through the scheduling page;
    the seconds until the sandbox received it (AssertionError if it never does)."""
    page = await owner.get(f"/p/{post_id}/crosspost/")
    form = page.form(f"/p/{post_id}/crosspost/")
    values = form.values()
    include = next(name for name, _ in form.checkboxes if name.endswith("include"))
    # The page asks to the minute, in the person's time zone (UTC for the seeded people).
    values |= {
        include: "on",
        "scheduled_at": (datetime.now(UTC) + timedelta(seconds=90)).strftime("%Y-%m-%dT%H:%M"),
    }
    await owner.post(f"/p/{post_id}/crosspost/", values, expect=(302,))
    started = time.monotonic()
    while time.monotonic() - started < PUBLISHED_WITHIN_SECONDS:
        if sandbox.published():
            return time.monotonic() - started
        await asyncio.sleep(1)
    raise AssertionError(
        f"the cross-post did not reach the sandbox in {PUBLISHED_WITHIN_SECONDS} s"
    )
