"""Event fixtures: a tasting in the Natural Wine Club made through the event service, and
people to answer it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feeds.events.services.events import check_create_event
from feeds.models import Audience
from tests.factories import add_member


@pytest.fixture
def event_factory(community, author):
    """`event_factory(capacity=2, audience="tier", min_tier=..., starts_in=timedelta(...))`."""

    def make(*, starts_in=timedelta(days=3), hours=2, audience=Audience.COMMUNITY, **fields):
        fields.setdefault("title", "Orange wine tasting")
        fields.setdefault("body", "Six skin-contact wines from Georgia.")
        fields.setdefault("place", "The cellar, 12 Vine St")
        fields.setdefault("time_zone", "Europe/Sofia")
        starts_at = timezone.now() + starts_in
        return check_create_event(
            fields.pop("author", author),
            fields.pop("community", community),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            audience=audience,
            **fields,
        )

    return make


@pytest.fixture
def people(community, user_factory):
    """Five base-tier members, in order, to fill and queue for an event."""
    return [
        add_member(community, user_factory(handle=f"guest{number}")).user for number in range(5)
    ]
