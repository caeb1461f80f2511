"""A small world of partners whose every number the tests work out by hand. The community
keeps UTC days; the period read is September 2026; days are rolled up to 10 October, so the
36th day after each September join has passed.

    31 Aug  the owner founds the club; Pia joins directly.
            Olga adds Pia (a member) as a partner, with a second link "newsletter",
            and Oscar (an outsider, @oscar.wine) whose joins get the Insider tier.
    1 Sep   Pia's first link: 3 visits; Ana joins through it. Her newsletter link: 1 visit;
            Ben joins through it.
    2 Sep   Pia's first link: 1 visit. Oscar's link: 2 visits; Cleo joins through it.
            Dan joins through the owner's own invitation link (not a partner's).
    3 Sep   Pia posts to the community; Ana comments on it.
    4 Sep   Pia posts to her close friends (Ana); Ana reacts to it.
    5 Sep   the owner reacts to Pia's community post.
    6 Sep   Ben opens the feed (active, no contribution).
    10 Sep  Cleo opens the feed.
    2 Oct   Ana opens the feed (day 31 after joining: still active).
    5 Oct   Cleo opens the feed (day 33 after joining: still active).

By hand, for September:
    Pia     visits 3+1+1 = 5, joined 2 (Ana, Ben), both 36+ days ago, still active 1 of 2
            = 50%; of Ana and Ben, both active, Ana contributed: 50%; her posts 2, their
            interactions 2 + 1 = 3 over audiences 6 (owner, Pia, Ana, Ben, Cleo, Dan) + 2
            (Pia, Ana) = 8: 37.5%.
    Oscar   visits 2, joined 1 (Cleo), 36+ days ago 1, still active 100%; Cleo active,
            no contribution: 0%; posts and their engagement: none (not a member).
    Sources: partner visits 7, joined 3, still active 2 of 3 = 66.7%; of the three, all
            active, Ana contributed: an engagement rate of 33.3%.
"""

from datetime import UTC, date, datetime

import pytest

from communities.models import MembershipChange
from communities.services.invitations import do_create_invitation, do_redeem_invitation
from feeds.insights.models import MemberVisit
from feeds.insights.partners.models import LinkVisitDay
from feeds.insights.partners.services import do_add_link, do_add_partner
from feeds.insights.rollups import roll_up_days
from feeds.models import Audience, CircleMember, Comment, Post, Reaction
from feeds.services.circles import close_friends_of
from tests.factories import add_member

FIRST, LAST = date(2026, 8, 31), date(2026, 10, 10)
SEPTEMBER = "?period=custom&start=2026-09-01&end=2026-09-30"


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def _backdate(user, community, at):
    MembershipChange.objects.filter(user=user, community=community).update(at=at)


def _join(user, community, invitation, at):
    do_redeem_invitation(user, invitation)
    _backdate(user, community, at)


def _post(community, author, body, at, **fields):
    return Post.objects.create(
        community=community,
        author=author,
        body=body,
        body_html=f"<p>{body}</p>",
        created=at,
        **fields,
    )


@pytest.fixture
def partner_world(community, owner, user_factory):
    community.time_zone = "UTC"
    community.save(update_fields=["time_zone"])
    MembershipChange.objects.filter(community=community).update(at=utc(2026, 8, 31, 9))
    pia = user_factory(handle="pia", display_name="Pia")
    add_member(community, pia)
    _backdate(pia, community, utc(2026, 8, 31, 10))
    insider = community.tiers.get(name="Insider")
    pia_partner = do_add_partner(community, owner, name="Pia", handle="@pia", user=pia)
    first = pia_partner.links.get()
    newsletter = do_add_link(pia_partner, owner, label="newsletter")
    oscar = do_add_partner(community, owner, name="Oscar", handle="@oscar.wine", tier=insider)
    oscar_link = oscar.links.get()
    for link, day, visits in [
        (first, date(2026, 9, 1), 3),
        (newsletter, date(2026, 9, 1), 1),
        (first, date(2026, 9, 2), 1),
        (oscar_link, date(2026, 9, 2), 2),
    ]:
        LinkVisitDay.objects.create(link=link, day=day, visits=visits)

    people = {
        name: user_factory(handle=name, display_name=name.title())
        for name in ("ana", "ben", "cleo", "dan")
    }
    _join(people["ana"], community, first.invitation, utc(2026, 9, 1, 12))
    _join(people["ben"], community, newsletter.invitation, utc(2026, 9, 1, 13))
    _join(people["cleo"], community, oscar_link.invitation, utc(2026, 9, 2, 12))
    plain = do_create_invitation(community, owner, tier=community.tiers.get(rank=0))
    _join(people["dan"], community, plain, utc(2026, 9, 2, 14))

    notes = _post(community, pia, "Tasting notes", utc(2026, 9, 3, 9))
    Comment.objects.create(
        post=notes, author=people["ana"], body="Lovely", created=utc(2026, 9, 3, 10)
    )
    friends = close_friends_of(pia)
    CircleMember.objects.create(circle=friends, user=people["ana"])
    secret = _post(
        community,
        pia,
        "Secret allocation",
        utc(2026, 9, 4, 9),
        audience=Audience.CIRCLE,
        circle=friends,
    )
    Reaction.objects.create(
        post=secret, user=people["ana"], emoji="heart", created=utc(2026, 9, 4, 10)
    )
    Reaction.objects.create(post=notes, user=owner, emoji="heart", created=utc(2026, 9, 5, 10))
    for name, day in [("ben", (9, 6)), ("cleo", (9, 10)), ("ana", (10, 2)), ("cleo", (10, 5))]:
        MemberVisit.objects.create(community=community, user=people[name], day=date(2026, *day))
    roll_up_days(community, FIRST, LAST)
    return {
        "community": community,
        "pia": pia,
        "pia_partner": pia_partner,
        "oscar": oscar,
        "first": first,
        "newsletter": newsletter,
        "notes": notes,
        "secret": secret,
        **people,
    }
