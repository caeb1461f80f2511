"""The daily roll-up: each number of the small world (conftest) worked out by hand, the days
taken in the community's time zone across a change of clocks, the same rows when a day is
rolled up again, the backfill command, the hourly job and the visit a feed records."""

from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_q.models import Schedule

from communities.models import JoinRequest, MembershipChange
from communities.services.invitations import do_create_invitation
from communities.services.members import do_change_tier
from communities.services.membership_rules import do_add_member
from communities.services.tiers import do_delete_tier
from feeds.crossposting.models import CrossPost, ExternalAccount, Referral
from feeds.insights.days import today
from feeds.insights.models import (
    AccountDay,
    CohortWeek,
    CommunityDay,
    MemberDay,
    MemberJoin,
    MemberVisit,
    PostDay,
    RoomDay,
    Source,
    TierDay,
)
from feeds.insights.rollups import roll_up_day, roll_up_days
from feeds.insights.tasks import roll_up_insights
from feeds.models import Post
from sosoon_site.accounts.models import User
from tests.feeds.insights.conftest import DAYS, rsvp, utc

FIELDS = ["day", "members", "joined", "left", "banned", "active", "active_week", "contributors"]


def _days(community):
    return list(CommunityDay.objects.filter(community=community).values_list(*FIELDS))


def _everything(community):
    return [
        sorted(model.objects.filter(community=community).values_list(*fields))
        for model, fields in [
            (CommunityDay, [*FIELDS, "active_month", "contributions"]),
            (MemberDay, ["day", "user_id", "contributions", "visited"]),
            (TierDay, ["day", "tier_name", "members"]),
            (PostDay, ["day", "post_id", "comments", "reactions", "audience"]),
            (RoomDay, ["day", "room_id", "messages", "chatters"]),
            (CohortWeek, ["week", "weeks_after", "members", "active"]),
            (AccountDay, ["day", "platform", "handle", "visits", "joins"]),
        ]
    ]


def test_each_day_counts_members_changes_and_activity_in_new_york(world):
    community = world["community"]
    roll_up_days(community, DAYS[0], DAYS[-1])
    assert _days(community) == [
        (date(2026, 10, 30), 2, 2, 0, 0, 1, 1, 1),
        (date(2026, 10, 31), 4, 2, 0, 0, 1, 2, 1),
        (date(2026, 11, 1), 3, 0, 1, 0, 2, 4, 2),
        (date(2026, 11, 2), 2, 0, 0, 1, 1, 4, 1),
    ]
    tiers = TierDay.objects.filter(community=community)
    assert sorted(tiers.filter(day=DAYS[2]).values_list("tier_name", "members")) == [
        ("Insider", 1),
        ("Member", 2),
    ]
    assert list(tiers.filter(day=DAYS[3]).values_list("tier_name", "members")) == [("Member", 2)]


def test_posts_rooms_and_cohorts_are_rolled_up(world):
    community = world["community"]
    roll_up_days(community, DAYS[0], DAYS[-1])
    assert sorted(PostDay.objects.values_list("post_id", "day", "comments", "reactions")) == sorted(
        [
            (world["welcome"].pk, date(2026, 10, 31), 1, 0),
            (world["tasting"].pk, date(2026, 11, 1), 0, 1),
        ]
    )
    # The audience as the policy counts it when rolled up: the owner and Ana (Ben has left
    # and Cleo is banned by now).
    assert PostDay.objects.get(post=world["tasting"]).audience == 2
    assert list(RoomDay.objects.values_list("room_id", "day", "messages", "chatters")) == [
        (world["general"].pk, date(2026, 11, 2), 1, 1)
    ]
    # All four first joined in the week of Monday 26 October and were active in it; the
    # owner alone the week after.
    assert list(CohortWeek.objects.values_list("week", "weeks_after", "members", "active")) == [
        (date(2026, 10, 26), 0, 4, 4),
        (date(2026, 10, 26), 1, 4, 1),
    ]


def test_a_visit_alone_makes_an_active_member_but_no_contributor(world):
    community = world["community"]
    roll_up_days(community, DAYS[0], DAYS[-1])
    rows = MemberDay.objects.filter(community=community, day=DAYS[3])
    assert list(rows.values_list("user__handle", "contributions", "visited")) == [
        ("owner", 1, True)
    ]


def test_an_rsvp_makes_an_active_member_and_a_contributor_that_day(world):
    """Ana's only doing on 2 November is answering the tasting (10:30 EST): she is active
    and contributes that day, and the day and its week count her. Answered at 03:30 UTC on
    the 3rd, it would still be the 2nd in New York."""
    community = world["community"]
    rsvp(world, world["ana"], utc(2026, 11, 3, 3, 30))
    roll_up_days(community, DAYS[0], DAYS[-1])
    rows = MemberDay.objects.filter(community=community, day=DAYS[3])
    assert sorted(rows.values_list("user__handle", "contributions", "visited")) == [
        ("ana", 1, False),
        ("owner", 1, True),
    ]
    assert _days(community)[3] == (date(2026, 11, 2), 2, 0, 0, 1, 2, 4, 2)
    assert CommunityDay.objects.get(community=community, day=DAYS[3]).contributions == 2
    before = _everything(community)
    roll_up_day(community, DAYS[3])
    assert _everything(community) == before


def test_rolling_a_day_up_again_gives_the_same_rows(world):
    community = world["community"]
    roll_up_days(community, DAYS[0], DAYS[-1])
    before = _everything(community)
    roll_up_day(community, DAYS[2])
    roll_up_days(community, DAYS[0], DAYS[-1])
    assert _everything(community) == before


def test_backfill_builds_the_history_and_refuses_bad_arguments(world):
    community = world["community"]
    call_command("backfill_insights", community="wine", days=60)
    assert [row[:4] for row in _days(community) if row[0] in DAYS] == [
        (date(2026, 10, 30), 2, 2, 0),
        (date(2026, 10, 31), 4, 2, 0),
        (date(2026, 11, 1), 3, 0, 1),
        (date(2026, 11, 2), 2, 0, 0),
    ]
    assert CommunityDay.objects.filter(community=community).count() == 60
    with pytest.raises(CommandError, match="No community has the address 'nope'"):
        call_command("backfill_insights", community="nope")
    with pytest.raises(CommandError, match="at least 1"):
        call_command("backfill_insights", days=0)


def test_the_hourly_job_rolls_up_finished_days_once(world, listed_community):
    community = world["community"]
    Schedule.objects.get(name="insights-rollup", func="feeds.insights.tasks.roll_up_insights")
    # Both communities were made today: nothing is finished yet.
    assert roll_up_insights() == 0
    community.created_at = community.created_at.replace(year=2026, month=10, day=30)
    community.save(update_fields=["created_at"])
    first = roll_up_insights()
    assert first == CommunityDay.objects.filter(community=community).count() >= 33
    assert roll_up_insights() == 0


def test_opening_the_feed_records_one_visit_a_day(client, community, member, outsider):
    client.force_login(member)
    url = reverse("feeds:community", kwargs={"slug": community.slug})
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert list(MemberVisit.objects.values_list("user", flat=True)) == [member.pk]


def test_members_by_tier_follow_a_change_of_tier_and_a_deleted_tier(world):
    community, ana = world["community"], world["ana"]
    membership = community.memberships.get(user=ana)
    do_change_tier(membership, community.tiers.get(name="Insider"))
    MembershipChange.objects.filter(user=ana, kind="tier").update(at=utc(2026, 11, 2, 15))
    roll_up_days(community, DAYS[0], DAYS[-1])

    def tiers(day):
        rows = TierDay.objects.filter(community=community, day=day)
        return sorted(rows.values_list("tier_name", "members"))

    assert tiers(DAYS[2]) == [("Insider", 1), ("Member", 2)]
    assert tiers(DAYS[3]) == [("Insider", 1), ("Member", 1)]
    # Deleting the tier moves Ana down from now on; before that she was in a tier now gone.
    do_delete_tier(community.tiers.get(name="Insider"))
    now = today(community)
    roll_up_days(community, now - timedelta(days=1), now)
    assert tiers(now - timedelta(days=1)) == [("Deleted tier", 1), ("Member", 1)]
    assert tiers(now) == [("Member", 2)]


def _join(community, person, at, **via):
    do_add_member(person, community, **via)
    MembershipChange.objects.filter(user=person, kind="joined").update(at=at)


def test_joins_are_counted_by_source_and_by_who_stayed_active(world, owner, user_factory):
    community = world["community"]
    tier = community.tiers.get(rank=0)
    link = do_create_invitation(community, owner, tier=tier)
    email = do_create_invitation(community, owner, tier=tier, email="dora@example.com")
    account = ExternalAccount(community=community, platform="x", external_id="x-1", handle="wine")
    account.access_token, account.refresh_token = "access", "refresh"
    account.save()
    teaser = Post.objects.create(community=community, author=owner, audience="public")
    crosspost = CrossPost.objects.create(
        post=teaser,
        account=account,
        created_by=owner,
        scheduled_at=utc(2026, 10, 1),
        invitation=do_create_invitation(community, owner, tier=tier),
    )
    asked = JoinRequest.objects.create(user=user_factory(handle="eve"), community=community)
    referred = JoinRequest.objects.create(user=user_factory(handle="finn"), community=community)
    Referral.objects.create(crosspost=crosspost, join_request=referred)
    at = utc(2026, 10, 20, 17)
    joined = date(2026, 10, 20)
    _join(community, user_factory(handle="lena"), at, invitation=link)
    _join(community, user_factory(handle="dora"), at, invitation=email)
    _join(community, user_factory(handle="carl"), at, invitation=crosspost.invitation)
    _join(community, asked.user, at, join_request=asked)
    _join(community, referred.user, at, join_request=referred)
    # Lena is back on the 33rd day after joining; nobody else is.
    MemberVisit.objects.create(
        community=community, user=User.objects.get(handle="lena"), day=date(2026, 11, 22)
    )
    roll_up_days(community, joined, DAYS[-1])
    joins = MemberJoin.objects.filter(community=community)
    assert sorted(joins.filter(day=joined).values_list("user__handle", "source", "retained")) == [
        ("carl", Source.CROSSPOST, None),
        ("dora", Source.EMAIL_INVITATION, None),
        ("eve", Source.DIRECTORY, None),
        ("finn", Source.CROSSPOST, None),
        ("lena", Source.INVITATION_LINK, None),
    ]
    assert sorted(joins.exclude(day=joined).values_list("source", flat=True)) == [Source.DIRECT] * 4
    # Carl (its invitation) and Finn (its landing page's join request) came by X @wine.
    accounts = AccountDay.objects.filter(community=community)
    assert list(
        accounts.values_list("day", "account", "platform", "handle", "visits", "joins")
    ) == [(joined, account.pk, "x", "wine", 0, 2)]
    # Rolling up the 36th day settles the week 30 days on; rolling the join day up again
    # after it gives the same answer.
    roll_up_days(community, DAYS[-1] + timedelta(days=1), joined + timedelta(days=36))
    settled = dict(joins.filter(day=joined).values_list("user__handle", "retained"))
    assert settled == {"carl": False, "dora": False, "eve": False, "finn": False, "lena": True}
    roll_up_day(community, joined)
    assert dict(joins.filter(day=joined).values_list("user__handle", "retained")) == settled
    assert accounts.get().joins == 2
