"""Fake providers on local ports, with settings pointed at them (never at our own code)."""

import pytest

from feeds.crossposting.sandbox.pinterest import AUTHORIZE_PATH as PINTEREST_AUTHORIZE
from feeds.crossposting.sandbox.pinterest import SandboxPinterest
from feeds.crossposting.sandbox.tiktok import AUTHORIZE_PATH as TIKTOK_AUTHORIZE
from feeds.crossposting.sandbox.tiktok import SandboxTikTok
from feeds.crossposting.sandbox.x import AUTHORIZE_PATH as X_AUTHORIZE
from feeds.crossposting.sandbox.x import SandboxX


@pytest.fixture
def fake_x(settings):
    fake = SandboxX().start()
    settings.SOSOON_X_API_BASE = fake.url
    settings.SOSOON_X_AUTHORIZE_URL = f"{fake.url}{X_AUTHORIZE}"
    settings.SOSOON_X_CLIENT_ID = fake.client_id
    settings.SOSOON_X_CLIENT_SECRET = fake.client_secret
    yield fake
    fake.stop()


@pytest.fixture
def fake_pinterest(settings):
    fake = SandboxPinterest().start()
    settings.SOSOON_PINTEREST_API_BASE = fake.url
    settings.SOSOON_PINTEREST_AUTHORIZE_URL = f"{fake.url}{PINTEREST_AUTHORIZE}"
    settings.SOSOON_PINTEREST_CLIENT_ID = fake.client_id
    settings.SOSOON_PINTEREST_CLIENT_SECRET = fake.client_secret
    yield fake
    fake.stop()


@pytest.fixture
def fake_tiktok(settings):
    """The TikTok sandbox; its photo pulls read `fake.hosted` (URL -> bytes) in place of the
    internet, and any other URL answers with a small JPEG. The test site's domain is
    verified, as an operator verifies theirs in TikTok's developer portal."""
    fake = SandboxTikTok().start()
    fake.hosted = {}
    fake.fetch_photo = lambda url: fake.hosted.get(url, jpeg_bytes())
    fake.verified = {"sosoon.test"}
    settings.SOSOON_TIKTOK_API_BASE = fake.url
    settings.SOSOON_TIKTOK_AUTHORIZE_URL = f"{fake.url}{TIKTOK_AUTHORIZE}"
    settings.SOSOON_TIKTOK_CLIENT_KEY = fake.client_id
    settings.SOSOON_TIKTOK_CLIENT_SECRET = fake.client_secret
    yield fake
    fake.stop()


@pytest.fixture(autouse=True)
def _quick_timeouts(settings):
    """A hanging fake costs a test half a second, not twenty."""
    settings.SOSOON_CROSSPOST_HTTP_TIMEOUT = 0.5


@pytest.fixture(autouse=True)
def _one_row_per_task(settings):
    """Publish tasks of one row, run on the test's own thread and connection: a batch's
    threads would have connections of their own, which cannot see the rows a test creates
    inside its (never committed) transaction. Tests of batches set their own size."""
    settings.SOSOON_CROSSPOST_CONCURRENCY = 1


def jpeg_bytes() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (8, 8), "purple").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def public_post(community, owner, post_factory):
    """A public teaser with one image, by the owner, in a community that allows teasers."""
    from django.core.files.base import ContentFile

    from feeds.models import PostImage

    community.allow_public_teasers = True
    community.save()
    post = post_factory(audience="public", author=owner, body="New vintage arriving Friday")
    PostImage.objects.create(post=post, file=ContentFile(jpeg_bytes(), name="bottle.jpg"))
    return post


def connect(fake, community, platform, *, handle="wineclub"):
    from feeds.crossposting.models import ExternalAccount

    access, refresh = fake.issue_tokens()
    account = ExternalAccount(
        community=community, platform=platform, external_id=f"{platform}-1", handle=handle
    )
    account.access_token, account.refresh_token = access, refresh
    account.save()
    return account


@pytest.fixture
def x_account(fake_x, community):
    return connect(fake_x, community, "x")


@pytest.fixture
def pinterest_account(fake_pinterest, community):
    return connect(fake_pinterest, community, "pinterest")


@pytest.fixture
def tiktok_account(fake_tiktok, community):
    return connect(fake_tiktok, community, "tiktok")


@pytest.fixture
def crosspost_factory(public_post, owner):
    """`crosspost_factory(account, **fields)`: a due cross-post of the public post."""
    from datetime import timedelta

    from django.utils import timezone

    from feeds.crossposting.models import CrossPost

    def make(account, **fields):
        image = public_post.images.first()
        fields.setdefault("scheduled_at", timezone.now() - timedelta(seconds=1))
        fields.setdefault("text", "New vintage arriving Friday https://sosoon.test/r/abc/")
        fields.setdefault(
            "media",
            [
                {
                    "image": image.pk,
                    "url": f"https://sosoon.test{image.get_absolute_url()}",
                    "path": image.file.name,
                    "type": "image/jpeg",
                }
            ],
        )
        return CrossPost.objects.create(
            post=public_post, account=account, created_by=owner, **fields
        )

    return make


@pytest.fixture
def dispatch():
    """Run the periodic job's work now (or at `now=`); q2 runs the queued tasks inline."""
    from feeds.crossposting.services import publishing
    from feeds.crossposting.tasks import queue_publish

    def run(now=None):
        return publishing.dispatch(now=now, enqueue=queue_publish)

    return run
