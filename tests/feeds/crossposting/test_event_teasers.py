"""A public event is a public post, so its teaser is cross-posted through the same flow; an
event for members only is refused like any other post that is not public."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from feeds.crossposting.models import CrossPost
from feeds.crossposting.services.scheduling import Draft, check_schedule
from feeds.events.services.events import check_create_event
from feeds.models import Audience


def make_event(community, owner, audience):
    starts = timezone.now() + timedelta(days=4)
    return check_create_event(
        owner,
        community,
        title="Open cellar day",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        time_zone="UTC",
        place="The cellar",
        body="Everyone welcome: taste the new vintage.",
        audience=audience,
    )


def test_a_public_events_teaser_is_scheduled_like_a_post(client, community, owner, x_account):
    community.allow_public_teasers = True
    community.save()
    event = make_event(community, owner, Audience.PUBLIC)
    client.force_login(owner)
    page = client.get(event.get_absolute_url())
    assert reverse("crossposting:schedule", args=[event.post_id]) in page.text
    schedule_page = client.get(reverse("crossposting:schedule", args=[event.post_id]))
    assert schedule_page.status_code == 200
    (crosspost,) = check_schedule(
        owner,
        event.post,
        [Draft(account=x_account, text="Open cellar day on Saturday")],
        scheduled_at=timezone.now() + timedelta(hours=1),
    )
    assert CrossPost.objects.get().post == event.post == crosspost.post


def test_a_members_event_cannot_be_cross_posted(client, community, owner, x_account):
    event = make_event(community, owner, Audience.COMMUNITY)
    client.force_login(owner)
    assert (
        reverse("crossposting:schedule", args=[event.post_id])
        not in client.get(event.get_absolute_url()).text
    )
    with pytest.raises(ValidationError, match="Only public posts"):
        check_schedule(
            owner,
            event.post,
            [Draft(account=x_account, text="Members only")],
            scheduled_at=timezone.now() + timedelta(hours=1),
        )
    assert not CrossPost.objects.exists()
