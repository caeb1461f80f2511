"""The Insights page: who may open it, the numbers of the small world (conftest) as a person
reads them, periods good and bad, circle posts never named, CSV equal to the tables, charts
as SVG, and the same few queries whatever the period or the size of the history."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.chat.models import ChatMessage, ChatRoom
from communities.models import JoinRequest, MembershipChange
from communities.services.invitations import do_create_invitation
from communities.services.membership_rules import do_add_member
from feeds.crossposting.models import CrossPost, ExternalAccount, Referral, VisitDay
from feeds.crossposting.services import tracking
from feeds.insights.models import MemberVisit
from feeds.insights.rollups import roll_up_days
from feeds.models import Audience, CircleMember, Comment, Post, Reaction
from feeds.services.circles import close_friends_of
from tests.factories import add_member
from tests.feeds.insights.conftest import DAYS, rsvp, utc
from tests.feeds.insights.pages import read_page

WORLD = "?period=custom&start=2026-10-30&end=2026-11-02"


NOTHING = "\u2013"  # the en dash an empty cell shows


def _url(community, view="page", **kwargs):
    return reverse(f"insights:{view}", kwargs={"slug": community.slug, **kwargs})


@pytest.fixture
def rolled(world):
    roll_up_days(world["community"], DAYS[0] - timedelta(days=4), DAYS[-1])
    return world


@pytest.mark.parametrize("who", ["owner", "admin"])
def test_owner_and_admins_see_insights_and_the_nav_links_to_it(client, community, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(_url(community))
    assert response.status_code == 200
    assert "<title>Insights · Natural Wine Club · Sosoon</title>" in response.content.decode()
    home = client.get(reverse("communities:home", kwargs={"slug": community.slug}))
    assert f'href="{_url(community)}"' in home.content.decode()


@pytest.mark.parametrize("who", ["moderator", "member", "insider", "outsider", "banned"])
@pytest.mark.parametrize("listed", [False, True])
def test_everyone_else_gets_404_on_the_page_its_charts_and_csv(
    client, community, who, listed, request
):
    if listed:
        community.discoverability = "listed"
        community.save(update_fields=["discoverability"])
    client.force_login(request.getfixturevalue(who))
    for url in [
        _url(community),
        _url(community, "chart", name="members"),
        _url(community, "csv", name="members"),
    ]:
        assert client.get(url).status_code == 404
    home = client.get(reverse("communities:home", kwargs={"slug": community.slug}))
    assert _url(community) not in home.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client, community):
    response = client.get(_url(community))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_shows_the_worlds_numbers(client, rolled, owner):
    client.force_login(owner)
    page = read_page(client.get(_url(rolled["community"]) + WORLD).content.decode())
    assert page.tables["members"] == [
        ["Day", "Members", "Joined", "Left", "Banned"],
        ["30 Oct 2026", "2", "2", "0", "0"],
        ["31 Oct 2026", "4", "2", "0", "0"],
        ["1 Nov 2026", "3", "0", "1", "0"],
        ["2 Nov 2026", "2", "0", "0", "1"],
    ]
    assert page.tables["activity"][1:] == [
        ["30 Oct 2026", "1", "1", "1", "1"],
        ["31 Oct 2026", "1", "2", "2", "1"],
        ["1 Nov 2026", "2", "4", "4", "2"],
        ["2 Nov 2026", "1", "4", "4", "1"],
    ]
    assert page.tables["tiers"][1:] == [["Member", "2", "0"]]
    # Everyone active in the period contributed; the four days before were empty.
    assert page.figures["Members"] == "2"
    assert page.figures["Joined"] == "4"
    assert page.figures["Left"] == "1"
    assert page.figures["Banned"] == "1"
    assert page.figures["Active a day, on average (DAU)"] == "1.2"
    assert page.figures["Active in the last 30 days (MAU)"] == "4"
    assert page.figures["Stickiness (DAU / MAU)"] == "31.2%"
    assert page.figures["Active in the period"] == "4"
    assert page.figures["Engagement rate"] == "100%"
    assert page.tables["cohorts"][1] == ["26 Oct 2026", "4", "25%"] + [NOTHING] * 7


@pytest.mark.parametrize(
    ("answered", "contributors", "rate"), [(False, "1", "50%"), (True, "2", "100%")]
)
def test_an_rsvp_turns_a_reader_into_a_contributor(
    client, world, owner, answered, contributors, rate
):
    """On 2 November Ana opens the feed; answering the tasting that day makes her one of
    the day's contributors, so the engagement rate is 2 of 2 active members, not 1 of 2."""
    community, ana = world["community"], world["ana"]
    MemberVisit.objects.create(community=community, user=ana, day=DAYS[3])
    if answered:
        rsvp(world, ana, utc(2026, 11, 2, 18))
    roll_up_days(community, DAYS[0], DAYS[-1])
    client.force_login(owner)
    day = "?period=custom&start=2026-11-02&end=2026-11-02"
    page = read_page(client.get(_url(community) + day).content.decode())
    assert page.figures["Active in the period"].split()[0] == "2"
    assert page.figures["Contributors"].split()[0] == contributors
    assert page.figures["Engagement rate"].split()[0] == rate
    assert page.tables["activity"][1] == ["2 Nov 2026", "2", "4", "4", contributors]


def test_top_posts_and_rooms_are_named_but_never_a_circle_post(client, rolled, owner, admin):
    community = rolled["community"]
    friend = add_member(community).user
    CircleMember.objects.create(circle=close_friends_of(owner), user=friend)
    secret = Post.objects.create(
        community=community,
        author=owner,
        body="Secret allocation for close friends",
        audience=Audience.CIRCLE,
        circle=close_friends_of(owner),
        created=utc(2026, 11, 1, 12),
    )
    for person in [friend, admin, owner]:
        Reaction.objects.create(
            post=secret, user=person, emoji="heart", created=utc(2026, 11, 1, 13)
        )
    insiders = ChatRoom.objects.create(community=community, name="cellar")
    ChatMessage.objects.create(
        room=insiders, author=admin, body="Hi", created_at=utc(2026, 11, 1, 13)
    )
    roll_up_days(community, DAYS[0], DAYS[-1])
    for viewer in [owner, admin]:
        client.force_login(viewer)
        html = client.get(_url(community) + WORLD).content.decode()
        assert "Secret allocation" not in html
        assert secret.get_absolute_url() not in html
        assert "Tasting notes" in html and rolled["tasting"].get_absolute_url() in html
        assert "#general" in html and "#cellar" in html
        # The circle post's reactions still count: three more contributors on 1 November.
        page = read_page(html)
        assert page.tables["activity"][3][4] == "5"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-11-02&end=2026-10-30", "The last day comes before the first"),
        ("start=2026-11-01", "A custom period needs a first and a last day"),
        ("start=2024-01-01&end=2026-11-01", "two years long at most"),
        ("start=2026-11-01&end=2099-01-01", "Insights count finished days only"),
        ("start=yesterday&end=2026-11-01", "Enter a valid date"),
    ],
)
def test_a_bad_custom_period_says_why_and_shows_the_last_30_days(
    client, community, owner, query, message
):
    client.force_login(owner)
    response = client.get(_url(community) + "?period=custom&" + query)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html and "Showing the last 30 days instead." in html
    assert len(read_page(html).tables["members"]) == 31


def test_the_presets_compare_with_the_period_before(client, community, owner):
    client.force_login(owner)
    html = client.get(_url(community) + "?period=7").content.decode()
    last = date.today() - timedelta(days=1)
    assert f"{last - timedelta(days=6):%-d %b %Y} to {last:%-d %b %Y} (7 days)" in html
    assert f"compared with {last - timedelta(days=13):%-d %b %Y}" in html
    assert 'href="?period=7" aria-current="page"' in html


@pytest.mark.parametrize("name", ["members", "activity", "cohorts"])
def test_each_csv_holds_the_same_numbers_as_its_table(client, rolled, owner, name):
    client.force_login(owner)
    community = rolled["community"]
    table = read_page(client.get(_url(community) + WORLD).content.decode()).tables[name]
    response = client.get(_url(community, "csv", name=name) + WORLD)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == table[0]
    assert len(rows) == len(table)

    def same(page_cell, csv_cell):
        return page_cell in (csv_cell, f"{csv_cell}%") or (page_cell == NOTHING and csv_cell == "")

    for page_row, csv_row in zip(table[1:], rows[1:], strict=True):
        assert date.fromisoformat(csv_row[0]).strftime("%-d %b %Y") == page_row[0]
        assert all(same(p, c) for p, c in zip(page_row[1:], csv_row[1:], strict=True))


def test_charts_are_svg_with_each_series_of_their_table(client, rolled, owner):
    client.force_login(owner)
    response = client.get(_url(rolled["community"], "chart", name="members") + WORLD)
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<svg") and "<script" not in svg
    for series in ["Members", "Joined", "Left", "Banned"]:
        assert f">{series}<" in svg
    assert "prefers-color-scheme:dark" in svg
    assert "script-src 'none'" in response["Content-Security-Policy"]
    assert client.get(_url(rolled["community"], "chart", name="cohorts")).status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_for_any_period_and_history(client, rolled, owner):
    """A day with one named post and one room, then four days and 90 days over a longer
    history with more rooms: the page reads the summary tables in the same queries."""
    client.force_login(owner)
    community = rolled["community"]
    ChatMessage.objects.create(
        room=rolled["general"], author=owner, body="Hi", created_at=utc(2026, 11, 1, 15)
    )
    roll_up_days(community, DAYS[0], DAYS[-1])
    small = _queries(client, _url(community) + "?period=custom&start=2026-11-01&end=2026-11-01")
    for extra in range(5):
        room = ChatRoom.objects.create(community=community, name=f"room{extra}")
        ChatMessage.objects.create(
            room=room, author=owner, body="Hi", created_at=utc(2026, 11, 1, 15)
        )
    roll_up_days(community, DAYS[0] - timedelta(days=120), DAYS[-1])
    assert _queries(client, _url(community) + WORLD) == small
    assert _queries(client, _url(community) + "?period=90") <= small
    # The page's own reads plus what every page costs (session, user, the two top-bar badges),
    # the partners' list (none here; tests/feeds/insights/partners counts their reads) and the
    # mark of the last roll-up its kept numbers go by. One more since the cross-posts by
    # network account: their visits and joins are a summary table of their own (AccountDay),
    # which no other of the page's queries reads; it is kept with the numbers, so a view
    # after the first does not read it.
    assert small <= 18
    # Seen again before a roll-up writes: the numbers as kept, read again only for the
    # viewer (the top posts and rooms they may see).
    assert _queries(client, _url(community) + WORLD) <= small - 5


def test_the_numbers_are_kept_until_a_roll_up_writes(client, rolled, owner, user_factory):
    """The page keeps its numbers as rendered between roll-ups: a member who joins shows once
    the day is rolled up, not before, and never a number from another period or language."""
    community = rolled["community"]
    client.force_login(owner)
    url = _url(community) + WORLD
    before = read_page(client.get(url).content.decode()).figures["Members"]
    newcomer = add_member(community, user_factory(handle="newcomer"))
    MembershipChange.objects.filter(community=community, user=newcomer.user).update(
        at=utc(2026, 11, 2, 15)
    )
    assert read_page(client.get(url).content.decode()).figures["Members"] == before
    roll_up_days(community, DAYS[0], DAYS[-1])
    after = read_page(client.get(url).content.decode()).figures["Members"]
    assert int(after.split()[0]) == int(before.split()[0]) + 1
    shorter = url.replace("2026-10-30", "2026-11-01")
    assert read_page(client.get(shorter).content.decode()).figures["Members"] == after
    owner.language = "bg"
    owner.save(update_fields=["language"])
    assert "Members" not in read_page(client.get(url).content.decode()).figures


def test_joins_by_source_on_the_page_and_in_its_csv(client, world, owner, user_factory):
    community = world["community"]
    link = do_create_invitation(community, owner, tier=community.tiers.get(rank=0))
    do_add_member(user_factory(handle="lena"), community, invitation=link)
    MembershipChange.objects.filter(user__handle="lena").update(at=utc(2026, 11, 1, 17))
    roll_up_days(community, DAYS[0], DAYS[-1])
    client.force_login(owner)
    table = read_page(client.get(_url(community) + WORLD).content.decode()).tables["sources"]
    assert table == [
        [
            "Source",
            "Visits",
            "Joined",
            "The period before",
            "Joined 36+ days ago",
            "Still active after 30 days",
            "Engagement rate of those who joined",
        ],
        # Lena has not been active since: no engagement rate. The four who founded the club
        # or were added all contributed in the period.
        ["Invitation link", NOTHING, "1", "0", "0", NOTHING, NOTHING],
        ["Direct (founded, added)", NOTHING, "4", "0", "0", NOTHING, "100%"],
    ]
    response = client.get(_url(community, "csv", name="sources") + WORLD)
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        table[0],
        ["Invitation link", "", "1", "0", "0", "", ""],
        ["Direct (founded, added)", "", "4", "0", "0", "", "100"],
    ]


def test_each_sources_engagement_rate_counts_who_joined_through_it_in_the_period(
    client, world, owner, user_factory
):
    """1 and 2 November, beside 30 and 31 October. Through the owner's invitation link Max
    joined on 31 October, Lena and Dora on 1 November; on 2 November Lena opens the feed,
    Dora answers the tasting and Max comments. Of the period's joins through the link (Lena,
    Dora), both active, Dora contributed: 50% (Max joined the period before, so his comment
    is not theirs). Nobody joined directly in the period: no rate."""
    community = world["community"]
    link = do_create_invitation(community, owner, tier=community.tiers.get(rank=0))
    people = {}
    for handle, at in [
        ("max", utc(2026, 10, 31, 17)),
        ("lena", utc(2026, 11, 1, 17)),
        ("dora", utc(2026, 11, 1, 17)),
    ]:
        people[handle] = user_factory(handle=handle)
        do_add_member(people[handle], community, invitation=link)
        MembershipChange.objects.filter(user=people[handle]).update(at=at)
    MemberVisit.objects.create(community=community, user=people["lena"], day=DAYS[3])
    rsvp(world, people["dora"], utc(2026, 11, 2, 15))
    Comment.objects.create(
        post=world["welcome"], author=people["max"], body="Late hello", created=utc(2026, 11, 2, 15)
    )
    roll_up_days(community, DAYS[0], DAYS[-1])
    client.force_login(owner)
    days = "?period=custom&start=2026-11-01&end=2026-11-02"
    table = read_page(client.get(_url(community) + days).content.decode()).tables["sources"]
    assert table[1:] == [
        ["Invitation link", NOTHING, "2", "1", "0", NOTHING, "50%"],
        ["Direct (founded, added)", NOTHING, "0", "4", "0", NOTHING, NOTHING],
    ]
    response = client.get(_url(community, "csv", name="sources") + days)
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1] == ["Invitation link", "", "2", "1", "0", "", "50"]


def test_visits_to_a_crossposts_link_are_counted_by_day_once_a_session(
    client, world, owner, user_factory
):
    community = world["community"]
    account = ExternalAccount(community=community, platform="x", external_id="x-1", handle="wine")
    account.access_token, account.refresh_token = "access", "refresh"
    account.save()
    teaser = Post.objects.create(community=community, author=owner, audience="public")
    crosspost = CrossPost.objects.create(
        post=teaser, account=account, created_by=owner, scheduled_at=utc(2026, 10, 1)
    )
    first, second = {}, {}
    for session in (first, first, second):
        tracking.record_visit(session, CrossPost.objects.select_related("post__community").get())
    assert list(VisitDay.objects.values_list("crosspost", "visits")) == [(crosspost.pk, 2)]
    VisitDay.objects.update(day=DAYS[2])
    roll_up_days(community, DAYS[0], DAYS[-1])
    client.force_login(owner)
    table = read_page(client.get(_url(community) + WORLD).content.decode()).tables["sources"]
    assert table[1] == ["Cross-post", "2", "0", "0", "0", NOTHING, NOTHING]


def _account(community, platform, handle):
    account = ExternalAccount(
        community=community, platform=platform, external_id=f"{platform}-1", handle=handle
    )
    account.access_token, account.refresh_token = "access", "refresh"
    account.save()
    return account


def test_crossposts_visits_and_joins_by_network_account(
    client, world, owner, user_factory, settings
):
    """The world's four days beside the four before. X @wine's cross-post: 2 visits on 1
    November, Carl joins through its invitation that day and Finn by a join request from its
    landing page on the 2nd. Pinterest @winepins' cross-post: 3 visits on 28 October and
    Gus joins through it that day. The accounts' rows add up to the cross-post source."""
    settings.SOSOON_SANDBOX_NETWORKS = False
    community = world["community"]
    tier = community.tiers.get(rank=0)
    crossposts = {}
    for platform, handle in [("x", "wine"), ("pinterest", "winepins")]:
        crossposts[platform] = CrossPost.objects.create(
            post=Post.objects.create(community=community, author=owner, audience="public"),
            account=_account(community, platform, handle),
            created_by=owner,
            scheduled_at=utc(2026, 10, 1),
            invitation=do_create_invitation(community, owner, tier=tier),
        )
    VisitDay.objects.create(crosspost=crossposts["x"], day=DAYS[2], visits=2)
    VisitDay.objects.create(crosspost=crossposts["pinterest"], day=date(2026, 10, 28), visits=3)
    for handle, platform, at in [
        ("carl", "x", utc(2026, 11, 1, 17)),
        ("gus", "pinterest", utc(2026, 10, 28, 17)),
    ]:
        do_add_member(
            user_factory(handle=handle), community, invitation=crossposts[platform].invitation
        )
        MembershipChange.objects.filter(user__handle=handle).update(at=at)
    finn = user_factory(handle="finn")
    asked = JoinRequest.objects.create(user=finn, community=community)
    Referral.objects.create(crosspost=crossposts["x"], join_request=asked)
    do_add_member(finn, community, join_request=asked)
    MembershipChange.objects.filter(user=finn).update(at=utc(2026, 11, 2, 17))
    roll_up_days(community, date(2026, 10, 26), DAYS[-1])
    client.force_login(owner)
    page = read_page(client.get(_url(community) + WORLD).content.decode())
    assert page.tables["accounts"] == [
        ["Account", "Visits", "Joined", "Visits the period before", "Joined the period before"],
        ["X @wine", "2", "2", "0", "0"],
        ["Pinterest @winepins", "0", "0", "3", "1"],
    ]
    assert page.tables["sources"][1][:4] == ["Cross-post", "2", "2", "1"]
    response = client.get(_url(community, "csv", name="accounts") + WORLD)
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == page.tables["accounts"]
    # Rolled up again, the same rows; an account deleted later keeps its rows by its name.
    roll_up_days(community, date(2026, 10, 26), DAYS[-1])
    crossposts["pinterest"].account.delete()
    assert (
        read_page(client.get(_url(community) + WORLD).content.decode()).tables["accounts"]
        == (page.tables["accounts"])
    )


def test_without_crossposts_there_is_no_accounts_table(client, rolled, owner):
    client.force_login(owner)
    page = read_page(client.get(_url(rolled["community"]) + WORLD).content.decode())
    assert "accounts" not in page.tables
