"""The partners' numbers of the small world (conftest), as the owner reads them on the
Insights page and in its CSV, and as a partner reads their own; the roll-up run again gives
the same rows; the page reads the same few queries however many partners and days; a
removed partner's history still counts, their row marked."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feeds.insights.partners.models import Partner, PartnerDay, PartnerJoin, PartnerPostDay
from feeds.insights.partners.services import do_add_partner, do_remove_partner
from feeds.insights.rollups import roll_up_days
from feeds.policy import audience_of
from tests.feeds.insights.pages import read_page
from tests.feeds.insights.partners.conftest import FIRST, LAST, SEPTEMBER, utc

NOTHING = "\u2013"
HEADINGS = [
    "Partner",
    "Handle",
    "Visits",
    "Joined",
    "Joined 36+ days ago",
    "Still active after 30 days",
    "Engagement rate of their members",
    "Their posts",
    "Engagement of their posts",
]
OSCAR = ["Oscar", "@oscar.wine", "2", "1", "1", "100%", "0%", NOTHING, NOTHING]
PIA = ["Pia", "@pia", "5", "2", "2", "50%", "50%", "2", "37.5%"]


def _insights(community, view="page", **kwargs):
    return reverse(f"insights:{view}", kwargs={"slug": community.slug, **kwargs})


def test_the_hand_counted_audiences_are_the_policys(partner_world):
    assert audience_of(partner_world["notes"]).count() == 6
    assert audience_of(partner_world["secret"]).count() == 2


def test_the_owner_reads_each_partners_numbers_and_partner_among_the_sources(
    client, partner_world, owner
):
    client.force_login(owner)
    html = client.get(_insights(partner_world["community"]) + SEPTEMBER).content.decode()
    page = read_page(html)
    assert page.tables["partners"] == [HEADINGS, OSCAR, PIA]
    # Of Ana, Ben and Cleo, all active in September, Ana contributed: the partners' own
    # engagement rates (1 of 2, 0 of 1) taken together.
    partner_row = next(row for row in page.tables["sources"] if row[0] == "Partner")
    assert partner_row == ["Partner", "7", "3", "0", "3", "66.7%", "33.3%"]
    invitation_row = next(row for row in page.tables["sources"] if row[0] == "Invitation link")
    assert invitation_row[2] == "1"  # Dan, through the owner's own link
    # The circle post counts in Pia's engagement and is never named.
    assert "Secret allocation" not in html
    assert partner_world["secret"].get_absolute_url() not in html


def test_the_partners_csv_holds_the_pages_numbers(client, partner_world, owner):
    client.force_login(owner)
    response = client.get(_insights(partner_world["community"], "csv", name="partners") + SEPTEMBER)
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        HEADINGS,
        ["Oscar", "@oscar.wine", "2", "1", "1", "100", "0", "", ""],
        ["Pia", "@pia", "5", "2", "2", "50", "50", "2", "37.5"],
    ]


def test_joins_through_a_partners_link_get_the_partners_tier(partner_world):
    community = partner_world["community"]
    assert community.memberships.get(user=partner_world["cleo"]).tier.name == "Insider"
    assert community.memberships.get(user=partner_world["ana"]).tier.rank == 0


def test_a_partner_who_is_a_member_reads_their_own_row_only(client, partner_world):
    client.force_login(partner_world["pia"])
    url = _insights(
        partner_world["community"], "partner", partner_id=partner_world["pia_partner"].pk
    )
    html = client.get(url + SEPTEMBER).content.decode()
    assert read_page(html).tables["partners"] == [HEADINGS, PIA]
    assert "Oscar" not in html and "oscar.wine" not in html
    assert partner_world["first"].get_absolute_url() in html
    assert partner_world["newsletter"].get_absolute_url() in html


def _partner_rows(community):
    return [
        sorted(model.objects.filter(community=community).values_list(*fields))
        for model, fields in [
            (PartnerDay, ("partner_id", "day", "visits", "joins", "posts")),
            (PartnerJoin, ("partner_id", "user_id", "day", "member_join__retained")),
            (PartnerPostDay, ("partner_id", "post_id", "day", "interactions", "audience")),
        ]
    ]


def test_rolling_the_days_up_again_gives_the_same_rows(partner_world):
    community = partner_world["community"]
    before = _partner_rows(community)
    assert len(before[0]) == 5 and len(before[1]) == 3 and len(before[2]) == 3
    roll_up_days(community, FIRST, LAST)
    roll_up_days(community, FIRST, FIRST.replace(day=5))
    assert _partner_rows(community) == before


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_reads_the_same_queries_however_many_partners(
    client, partner_world, owner, user_factory
):
    community = partner_world["community"]
    client.force_login(owner)
    custom = _queries(client, _insights(community) + SEPTEMBER)
    preset = _queries(client, _insights(community) + "?period=90")
    for number in range(4):
        do_add_partner(community, owner, name=f"Extra {number}", handle=f"@extra{number}")
    roll_up_days(community, FIRST, LAST)
    assert _queries(client, _insights(community) + SEPTEMBER) == custom
    assert _queries(client, _insights(community) + "?period=90") == preset


@pytest.mark.parametrize("period", ["?period=7", "?period=90"])
def test_the_partners_page_reads_the_same_queries_for_any_period(client, partner_world, period):
    client.force_login(partner_world["pia"])
    url = _insights(
        partner_world["community"], "partner", partner_id=partner_world["pia_partner"].pk
    )
    assert _queries(client, url + period) == _queries(client, url + SEPTEMBER)


def test_a_removed_partners_history_still_counts_and_their_row_is_marked(
    client, partner_world, owner
):
    community = partner_world["community"]
    do_remove_partner(partner_world["pia_partner"])
    roll_up_days(community, FIRST, LAST)
    client.force_login(owner)
    page = read_page(client.get(_insights(community) + SEPTEMBER).content.decode())
    assert page.tables["partners"] == [HEADINGS, OSCAR, ["Pia (removed)", *PIA[1:]]]
    partner_row = next(row for row in page.tables["sources"] if row[0] == "Partner")
    assert partner_row == ["Partner", "7", "3", "0", "3", "66.7%", "33.3%"]
    response = client.get(_insights(community, "csv", name="partners") + SEPTEMBER)
    assert "Pia (removed),@pia,5,2" in response.content.decode()


def test_a_removed_partner_without_numbers_in_the_period_has_no_row(client, partner_world, owner):
    community = partner_world["community"]
    do_remove_partner(partner_world["pia_partner"])
    client.force_login(owner)
    quiet = "?period=custom&start=2026-10-06&end=2026-10-10"
    rows = read_page(client.get(_insights(community) + quiet).content.decode()).tables["partners"]
    assert [row[0] for row in rows] == ["Partner", "Oscar"]


def test_a_member_partners_posts_count_until_the_day_they_are_removed(partner_world):
    community, pia_partner = partner_world["community"], partner_world["pia_partner"]
    Partner.objects.filter(pk=pia_partner.pk).update(removed_at=utc(2026, 9, 3, 20))
    roll_up_days(community, FIRST, LAST)
    days = PartnerDay.objects.filter(partner=pia_partner)
    assert sum(day.posts for day in days) == 1  # 3 Sep's, the day of the removal; not 4 Sep's
    assert sum(day.visits for day in days) == 5 and sum(day.joins for day in days) == 2
    posts = PartnerPostDay.objects.filter(partner=pia_partner)
    assert [(row.day.day, row.interactions) for row in posts] == [(3, 1)]
