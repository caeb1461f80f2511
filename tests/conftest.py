"""Fixtures every test package shares, and the rules that skip service-bound tests.

Tests marked `postgres` or `redis` need those services; `make test` runs on the embedded
default, so they are skipped there with a reason, and run in CI's second pass where
DATABASE_URL and REDIS_URL are set. Browser tests skip where Debian's Chromium is missing.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tests.catalogs import compile_catalogs
from tests.factories import TEST_PASSWORD, UserFactory, add_member, create_community

CHROMIUM = Path("/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skips = {
        "postgres": None
        if on_postgres
        else "needs PostgreSQL: set DATABASE_URL=postgres://... (CI's second pass does)",
        "redis": None
        if settings.REDIS_URL
        else "needs Redis: set REDIS_URL=redis://... (CI's second pass does)",
        "browser": None
        if CHROMIUM.exists()
        else "needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
    }
    for item in items:
        for marker, reason in skips.items():
            if reason and item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture
def user_factory(db):
    return UserFactory


@pytest.fixture
def user(user_factory):
    return user_factory(display_name="Ana Lima", handle="ana")


@pytest.fixture
def auth_client(client, user):
    """A test client signed in as `user`."""
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache (Redis in CI's second pass): start each test clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """Each test gets its own channel layer. channels_redis binds its locks and connections to
    the event loop that made them, and every async test runs on a new loop; reusing the
    process-wide layer across tests fails with "bound to a different event loop"."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    """Uploaded files from one test never land in another's (or the developer's) media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def community_factory(db):
    """Make communities: `community_factory(owner=..., discoverability="listed", ...)`."""
    return create_community


@pytest.fixture
def owner(user_factory):
    return user_factory(handle="owner", display_name="Olga Owner")


@pytest.fixture
def community(community_factory, owner):
    """An unlisted community owned by `owner`, with tiers Member < Insider."""
    from communities.models import Tier

    made = community_factory(owner=owner, name="Natural Wine Club", slug="wine")
    Tier.objects.create(community=made, name="Insider", rank=1)
    return made


@pytest.fixture
def listed_community(community_factory, user_factory):
    return community_factory(
        owner=user_factory(handle="synthowner"),
        name="Vintage Synth Makers",
        slug="synth",
        discoverability="listed",
        description="Restoring analogue synthesizers.",
    )


@pytest.fixture
def admin(community):
    return add_member(community, role="admin").user


@pytest.fixture
def moderator(community):
    return add_member(community, role="moderator").user


@pytest.fixture
def member(community):
    return add_member(community).user


@pytest.fixture
def insider(community):
    return add_member(community, tier=community.tiers.get(name="Insider")).user


@pytest.fixture
def outsider(user_factory):
    return user_factory(handle="outsider")


@pytest.fixture
def banned(community):
    return add_member(community, status="banned").user


@pytest.fixture
def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.fixture
def bulgarian():
    """Bulgarian active, its catalog compiled first when missing or stale."""
    compile_catalogs()
    with translation.override("bg"):
        yield
