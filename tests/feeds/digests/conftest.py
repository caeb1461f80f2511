"""Digest fixtures: mail through the real outbox to the local SMTP server, a frozen clock,
and posts written at a chosen moment.

The clock is frozen by passing `now` to the scheduler (`due_digests(now)`), which is the
only place a digest reads the time: the periods, and so the posts and mentions they cover,
follow from it. It is set in the past, so every post written "then" is older than the real
clock the feed code ranks with.
"""

from datetime import UTC, datetime

import pytest

from feeds.digests.tasks import send_digest_batch
from feeds.models import Post
from sosoon_site.mail.models import OutgoingMail
from tests.fakes.smtp import FakeSMTP

# A Wednesday: yesterday is Tuesday 3 March, last week is Monday 23 February to Monday 2 March.
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
YESTERDAY = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)
LAST_WEEK = datetime(2026, 2, 25, 12, 0, tzinfo=UTC)
SITE = "https://sosoon.test"


@pytest.fixture
def smtp(settings):
    """Mail goes through the outbox and is delivered by its task to the local SMTP server."""
    settings.EMAIL_BACKEND = "sosoon_site.mail.backend.OutboxBackend"
    settings.SOSOON_MAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.SOSOON_SITE_URL = SITE
    with FakeSMTP() as server:
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
            "127.0.0.1",
            server.port,
            5,
        )
        yield server


@pytest.fixture
def written_at(post_factory):
    """`written_at(moment, audience=..., body=...)`: a post as if written at `moment`."""

    def make(moment, **fields):
        post = post_factory(**fields)
        Post.objects.filter(pk=post.pk).update(created=moment)
        post.created = moment
        return post

    return make


def send(schedule) -> str:
    """Run the batch task on a schedule made earlier, as a worker would."""
    return send_digest_batch(schedule)


def digest_to(smtp: FakeSMTP, address: str):
    """The one digest `address` received."""
    (received,) = smtp.to(address)
    return received


def queued_for(address: str) -> list[OutgoingMail]:
    return [mail for mail in OutgoingMail.objects.all() if address in mail.recipients]
