"""Release ladder fixtures: a preview on a three-step ladder, with the clock (tests/feeds/
conftest.py) at START."""

from datetime import timedelta

import pytest

from feeds.models import Audience
from feeds.releases.services import StepDraft
from feeds.services.comments import do_add_comment
from feeds.services.reactions import do_toggle_reaction
from tests.feeds.conftest import START

MEMBERS_AT = START + timedelta(hours=1)  # Friday 09:00 UTC: everyone in the community
PUBLIC_AT = START + timedelta(days=3)  # Monday: a public teaser
JUST_BEFORE = timedelta(microseconds=1)


@pytest.fixture
def preview(clock, community, author, insider, post_factory):
    """By the author: Insiders now, the whole community at MEMBERS_AT, public at PUBLIC_AT;
    with a comment and a reaction by the insider."""
    community.allow_public_teasers = True
    community.save()
    post = post_factory(
        audience=Audience.TIER,
        min_tier=community.tiers.get(name="Insider"),
        body="Preview: the spring allocation",
        steps=[
            StepDraft(at=MEMBERS_AT, audience=Audience.COMMUNITY),
            StepDraft(at=PUBLIC_AT, audience=Audience.PUBLIC),
        ],
    )
    do_add_comment(insider, post, "Count me in")
    do_toggle_reaction(insider, post, "heart")
    return post
