"""A small world with four days of history in New York, across the night the clocks went
back (1 November 2026, a 25-hour day), every number of which the tests work out by hand.

All instants are UTC. New York is UTC-4 until 06:00 UTC on 1 November, UTC-5 after.

    30 Oct  owner founds the club (12:00) and posts a welcome (13:00); Ana joins at 03:30
            UTC on the 31st, still 23:30 on the 30th.       members 2, joined 2, active 1
    31 Oct  Ben and Cleo (Insider) join; Ben comments on the owner's post at 03:30 UTC on
            1 Nov (23:30 on the 31st).                      members 4, joined 2, active 1
    1 Nov   Ana posts at 04:30 UTC (00:30 local); Cleo reacts at 04:59 UTC on the 2nd
            (23:59 EST); Ben leaves at 04:30 UTC on the 2nd (23:30 EST).
                                                            members 3, left 1, active 2
    2 Nov   Cleo is banned (14:00); the owner chats in #general and opens the feed.
                                                            members 2, banned 1, active 1
"""

from datetime import UTC, date, datetime

import pytest

from communities.chat.models import ChatMessage, ChatRoom
from communities.models import MembershipChange
from communities.services.members import do_ban_member, do_leave_community
from feeds.events.models import RSVP, Event
from feeds.insights.models import MemberVisit
from feeds.models import Comment, Post, Reaction
from tests.factories import add_member

DAYS = [date(2026, 10, 30), date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 2)]


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def _backdate(membership, at):
    MembershipChange.objects.filter(user=membership.user, community=membership.community).filter(
        at__gte=utc(2026, 12, 1)
    ).update(at=at)


@pytest.fixture
def world(community, owner, user_factory):
    community.time_zone = "America/New_York"
    community.save(update_fields=["time_zone"])
    MembershipChange.objects.filter(community=community).update(at=utc(2026, 10, 30, 12))
    insider_tier = community.tiers.get(name="Insider")
    ana = add_member(community, user_factory(handle="ana", display_name="Ana"))
    _backdate(ana, utc(2026, 10, 31, 3, 30))
    ben = add_member(community, user_factory(handle="ben", display_name="Ben"))
    _backdate(ben, utc(2026, 10, 31, 15))
    cleo = add_member(community, user_factory(handle="cleo"), tier=insider_tier)
    _backdate(cleo, utc(2026, 10, 31, 16))

    welcome = Post.objects.create(
        community=community,
        author=owner,
        body="Welcome",
        body_html="<p>Welcome</p>",
        created=utc(2026, 10, 30, 13),
    )
    Comment.objects.create(
        post=welcome, author=ben.user, body="Hello", created=utc(2026, 11, 1, 3, 30)
    )
    tasting = Post.objects.create(
        community=community,
        author=ana.user,
        body="Tasting notes",
        body_html="<p>Tasting notes</p>",
        created=utc(2026, 11, 1, 4, 30),
    )
    Reaction.objects.create(
        post=tasting, user=cleo.user, emoji="heart", created=utc(2026, 11, 2, 4, 59)
    )
    do_leave_community(ben)
    _backdate(ben, utc(2026, 11, 2, 4, 30))
    do_ban_member(community, cleo.user)
    _backdate(cleo, utc(2026, 11, 2, 14))
    general = ChatRoom.objects.get(community=community, name="general")
    ChatMessage.objects.create(
        room=general, author=owner, body="Cheers", created_at=utc(2026, 11, 2, 12)
    )
    MemberVisit.objects.create(community=community, user=owner, day=date(2026, 11, 2))
    return {
        "community": community,
        "ana": ana.user,
        "ben": ben.user,
        "cleo": cleo.user,
        "welcome": welcome,
        "tasting": tasting,
        "general": general,
    }


def rsvp(world, person, at) -> RSVP:
    """`person` answers "going" at `at` to a tasting the owner announced before the world's
    days (its post adds nothing to them)."""
    community = world["community"]
    post = Post.objects.create(
        community=community,
        author=community.owner,
        body="Tasting evening",
        body_html="<p>Tasting evening</p>",
        created=utc(2026, 10, 1, 12),
    )
    event = Event.objects.create(
        post=post,
        title="Tasting evening",
        starts_at=utc(2026, 11, 20, 23),
        ends_at=utc(2026, 11, 21, 1),
        time_zone="America/New_York",
    )
    return RSVP.objects.create(event=event, user=person, status="going", responded_at=at)
