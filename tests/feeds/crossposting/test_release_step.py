"""A preview on a release ladder may have its cross-posts scheduled for its public step:
from that time on, never before, as the audience policy says at the cross-post's time."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from feeds.crossposting.models import CrossPostStatus
from feeds.crossposting.services.scheduling import Draft, check_schedule, public_from
from feeds.models import Audience
from feeds.releases.services import StepDraft
from tests.feeds.conftest import START

PUBLIC_AT = START + timedelta(days=3)


@pytest.fixture
def staged_post(clock, community, owner, post_factory):
    """The owner's preview: Insiders now, everyone on Friday at 09:00, public on Monday."""
    community.allow_public_teasers = True
    community.save()
    return post_factory(
        author=owner,
        audience=Audience.TIER,
        min_tier=community.tiers.get(name="Insider"),
        body="Spring allocation preview",
        steps=[
            StepDraft(at=START + timedelta(hours=1), audience=Audience.COMMUNITY),
            StepDraft(at=PUBLIC_AT, audience=Audience.PUBLIC),
        ],
    )


def test_the_public_steps_cross_posts_are_scheduled_from_its_time_and_go_out_then(
    clock, staged_post, owner, x_account, dispatch, fake_x
):
    assert public_from(staged_post) == PUBLIC_AT
    draft = Draft(account=x_account, text="Spring allocation: members hear first")

    with pytest.raises(ValidationError) as early:
        check_schedule(owner, staged_post, [draft], scheduled_at=PUBLIC_AT - timedelta(minutes=1))
    assert early.value.message_dict["scheduled_at"] == [
        "The post is public from Mon 7 Dec 2026, 08:00: choose that time or later."
    ]
    assert not x_account.crossposts.exists()

    (crosspost,) = check_schedule(owner, staged_post, [draft], scheduled_at=PUBLIC_AT)
    # Saving the post (an edit) before its public step keeps the cross-post.
    staged_post.save()
    crosspost.refresh_from_db()
    assert crosspost.status == CrossPostStatus.SCHEDULED

    clock.at = PUBLIC_AT
    assert dispatch() == 1
    crosspost.refresh_from_db()
    assert crosspost.status == CrossPostStatus.PUBLISHED
    assert len(fake_x.posts) == 1


def test_a_ladder_without_a_public_step_cannot_be_cross_posted(
    clock, community, owner, post_factory, x_account
):
    post = post_factory(
        author=owner,
        audience=Audience.TIER,
        min_tier=community.tiers.get(name="Insider"),
        steps=[StepDraft(at=START + timedelta(hours=1), audience=Audience.COMMUNITY)],
    )
    assert public_from(post) is None
    with pytest.raises(ValidationError, match="Only public posts can be cross-posted"):
        check_schedule(
            owner,
            post,
            [Draft(account=x_account, text="Nope")],
            scheduled_at=START + timedelta(days=1),
        )
