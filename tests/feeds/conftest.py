"""Feeds fixtures: an author in the Natural Wine Club, the people around them, and posts.

The shared people (owner, member, insider, moderator, outsider, banned, anonymous) come from
tests/conftest.py; these add the author's circle and the edge cases of the audience policy.
"""

from datetime import UTC, datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from communities.models import MembershipStatus
from feeds.models import Audience, CircleMember
from feeds.services.circles import close_friends_of
from feeds.services.posts import do_create_post
from sosoon_site.accounts.blocks import do_block
from tests.factories import add_member


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.SOSOON_PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def author(community, user_factory):
    """A base-tier member who writes the posts under test."""
    return add_member(community, user_factory(handle="author", display_name="Ava Author")).user


@pytest.fixture
def close_friends(author):
    return close_friends_of(author)


@pytest.fixture
def close_friend(community, close_friends, user_factory):
    person = add_member(community, user_factory(handle="friend", display_name="Fay Friend")).user
    CircleMember.objects.create(circle=close_friends, user=person)
    return person


@pytest.fixture
def former_friend(community, close_friends, user_factory):
    """In the author's close friends, but has left the community."""
    person = add_member(community, user_factory(handle="former"), status=MembershipStatus.LEFT)
    CircleMember.objects.create(circle=close_friends, user=person.user)
    return person.user


@pytest.fixture
def banned_friend(banned, close_friends):
    """The shared `banned` person, also in the author's close friends."""
    CircleMember.objects.create(circle=close_friends, user=banned)
    return banned


@pytest.fixture
def blocked(community, author, close_friends, user_factory):
    """An Insider in the author's close friends who blocked the author: sees nothing of them."""
    insider_tier = community.tiers.get(name="Insider")
    person = add_member(community, user_factory(handle="blocker"), tier=insider_tier).user
    CircleMember.objects.create(circle=close_friends, user=person)
    do_block(person, author)
    return person


@pytest.fixture
def post_factory(community, author):
    """`post_factory(audience="tier", min_tier=..., author=..., body=...)`."""

    def make(*, audience=Audience.COMMUNITY, body="Hello wine people", **fields):
        fields.setdefault("author", author)
        fields.setdefault("community", community)
        return do_create_post(
            fields.pop("author"), fields.pop("community"), body=body, audience=audience, **fields
        )

    return make


@pytest.fixture
def png_upload():
    def make(name="photo.png", size=(40, 30), color=(200, 30, 60)):
        buffer = BytesIO()
        Image.new("RGB", size, color).save(buffer, format="PNG")
        return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")

    return make


# A Friday morning (the ladders' tests open the whole club at 09:00): the clock starts here.
START = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)


class Clock:
    """Django's `timezone.now`, frozen at `at` until the test moves it."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock(monkeypatch):
    """Freeze Django's clock at START; set `clock.at` to move it."""
    frozen = Clock(START)
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen
