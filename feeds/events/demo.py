"""Demo events in the Natural Wine Club, after feeds' demo posts. Idempotent.

An Insider-only tasting next week with one place, taken by emma, ben on the waitlist, and a
chat room for those going (ana hosts it, emma is going); a members' harvest party that took
place last month, with people who went.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from communities.models import Community, Tier
from feeds.events.models import RSVP, Event, RSVPStatus
from feeds.events.services.rooms import do_set_event_room
from feeds.models import Audience
from feeds.services.posts import do_create_post
from sosoon_site.accounts.models import User

TASTING = "Insider tasting: the spring allocation"
HARVEST = "Harvest party at the old bakery"


def _event(community, author, title: str, body: str, *, starts_at, **fields) -> Event:
    with transaction.atomic():
        post = do_create_post(
            author,
            community,
            body=body,
            audience=fields.pop("audience"),
            min_tier=fields.pop("min_tier", None),
        )
        return Event.objects.create(
            post=post,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            time_zone="Europe/Paris",
            **fields,
        )


def seed(wine: Community) -> list[str]:
    """Create the demo events that are missing; return what was created."""
    created = []
    people = {
        user.handle: user
        for user in User.objects.filter(handle__in=["ana", "ben", "emma", "farid", "gina"])
    }
    soon = (timezone.now() + timedelta(days=7)).replace(hour=17, minute=0, second=0, microsecond=0)
    if not Event.objects.filter(post__community=wine, title=TASTING).exists():
        tasting = _event(
            wine,
            people["ana"],
            TASTING,
            "Taste the twelve growers of the spring allocation before it opens. "
            "**One seat**, Insiders only; the waitlist moves up if someone cancels.",
            starts_at=soon,
            audience=Audience.TIER,
            min_tier=Tier.objects.get(community=wine, name="Insider"),
            place="The cellar, 12 rue des Vignes, Paris",
            capacity=1,
        )
        RSVP.objects.create(event=tasting, user=people["emma"], status=RSVPStatus.GOING)
        RSVP.objects.create(
            event=tasting, user=people["ben"], status=RSVPStatus.WAITLISTED, waitlist_position=1
        )
        do_set_event_room(tasting, on=True)
        created.append("Insider tasting with a waitlist in Natural Wine Club")
    if not Event.objects.filter(post__community=wine, title=HARVEST).exists():
        harvest = _event(
            wine,
            people["ana"],
            HARVEST,
            "Thank you all for coming to the harvest party!",
            starts_at=soon - timedelta(days=40),
            audience=Audience.COMMUNITY,
            place="The old bakery",
        )
        for handle in ("ben", "farid", "gina"):
            RSVP.objects.create(event=harvest, user=people[handle], status=RSVPStatus.GOING)
        created.append("past harvest party in Natural Wine Club")
    return created
