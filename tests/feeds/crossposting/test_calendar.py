"""The publishing calendar: month and week in the viewer's time zone, filters, moving a
cross-post by the plain form and by htmx, and who may see what."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feeds.crossposting.models import CrossPost, CrossPostStatus
from tests.factories import add_member
from tests.feeds.crossposting.calendar_data import account, crosspost

CALENDAR = reverse("crossposting:calendar")
AUCKLAND = ZoneInfo("Pacific/Auckland")
UTC = ZoneInfo("UTC")


@pytest.fixture
def in_auckland(owner):
    owner.time_zone = "Pacific/Auckland"
    owner.save()
    return owner


def test_month_view_shows_each_cross_post_on_its_day_in_the_viewers_time_zone(
    client, in_auckland, community, public_post
):
    x = account(community)
    # 20:30 UTC on 1 June is 08:30 on 2 June in Auckland (NZST, +12).
    crosspost(public_post, x, datetime(2031, 6, 1, 20, 30, tzinfo=ZoneInfo("UTC")))
    client.force_login(in_auckland)

    page = client.get(CALENDAR, {"date": "2031-06-10"})

    html = page.content.decode()
    assert page.status_code == 200
    assert "<title>Calendar · June 2031 · Sosoon</title>" in html
    day = html.split('data-testid="day-2031-06-02"')[1].split("</td>")[0]
    assert "08:30" in day and "X @wineclub" in day and "Scheduled" in day
    assert "@wineclub" not in html.split('data-testid="day-2031-06-01"')[1].split("</td>")[0]


def test_a_busy_month_day_shows_four_and_how_many_more(client, owner, community, public_post):
    x = account(community)
    noon = datetime(2031, 6, 3, 12, tzinfo=ZoneInfo("UTC"))
    for minute in range(6):
        crosspost(public_post, x, noon + timedelta(minutes=minute))
    client.force_login(owner)

    html = client.get(CALENDAR, {"date": "2031-06-03"}).content.decode()

    day = html.split('data-testid="day-2031-06-03"')[1].split("</td>")[0]
    assert day.count('data-testid="chip"') == 4
    assert "+2 more" in day


def test_week_view_places_cross_posts_by_hour_and_shows_posting_slots(
    client, owner, community, public_post
):
    from feeds.crossposting.calendar.models import PostingSlot

    x = account(community)
    PostingSlot.objects.create(account=x, weekday=1, at="18:00", time_zone="UTC")
    crosspost(public_post, x, datetime(2031, 6, 5, 9, 15, tzinfo=ZoneInfo("UTC")))
    client.force_login(owner)

    html = client.get(CALENDAR, {"view": "week", "date": "2031-06-04"}).content.decode()

    assert "<title>Calendar · Week of 2 June 2031 · Sosoon</title>" in html
    nine = html.split('data-testid="cell-2031-06-05T09"')[1].split("</td>")[0]
    assert "09:15" in nine and 'draggable="true"' in nine
    tuesday_six = html.split('data-testid="cell-2031-06-03T18"')[1].split("</td>")[0]
    assert "has-slot" in html.split('data-testid="cell-2031-06-03T18"')[0][-200:]
    assert "X @wineclub" in tuesday_six
    assert "at=2031-06-03T18%3A00" in tuesday_six  # the empty slot schedules there


def test_the_calendar_spans_every_community_the_person_manages_and_filters(
    client, owner, community, community_factory, public_post, post_factory
):
    second = community_factory(owner=owner, name="Synth Shop", slug="synth-shop")
    second.allow_public_teasers = True
    second.save()
    synth_post = post_factory(audience="public", author=owner, community=second, body="Knobs")
    x, pin = account(community), account(community, "pinterest", "winepins")
    synth_x = account(second, handle="synths")
    at = datetime(2031, 6, 4, 10, tzinfo=ZoneInfo("UTC"))
    crosspost(public_post, x, at)
    crosspost(public_post, pin, at)
    crosspost(synth_post, synth_x, at)
    client.force_login(owner)

    def shown(**filters):
        html = client.get(CALENDAR, {"date": "2031-06-04", **filters}).content.decode()
        return {handle for handle in ("wineclub", "winepins", "synths") if f"@{handle}<" in html}

    assert shown() == {"wineclub", "winepins", "synths"}
    assert shown(community="synth-shop") == {"synths"}
    assert shown(network="pinterest") == {"winepins"}
    assert shown(account=str(x.pk)) == {"wineclub"}


@pytest.mark.parametrize("who", ["member", "moderator", "outsider"])
def test_people_who_do_not_manage_a_community_see_none_of_its_cross_posts(
    who, request, client, community, public_post
):
    crosspost(public_post, account(community), datetime(2031, 6, 4, 10, tzinfo=ZoneInfo("UTC")))
    client.force_login(request.getfixturevalue(who))

    html = client.get(CALENDAR, {"date": "2031-06-04"}).content.decode()

    assert 'data-testid="chip"' not in html
    assert "You manage no connected accounts" in html


def test_an_admin_sees_the_communitys_cross_posts(client, admin, community, public_post):
    crosspost(public_post, account(community), datetime(2031, 6, 4, 10, tzinfo=ZoneInfo("UTC")))
    client.force_login(admin)
    html = client.get(CALENDAR, {"date": "2031-06-04"}).content.decode()
    assert html.count('data-testid="chip"') == 1


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get(CALENDAR)["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("view", ["month", "week"])
def test_the_calendar_costs_the_same_queries_for_1_account_or_20_and_2000_cross_posts(
    view, client, owner, community, public_post, django_assert_num_queries
):
    client.force_login(owner)
    june = {"date": "2031-06-10", "view": view}
    crosspost(
        public_post, account(community, handle="first"), datetime(2031, 6, 10, 10, tzinfo=UTC)
    )
    client.get(CALENDAR, june)  # the session's first touch
    with CaptureQueriesContext(connection) as small:
        assert client.get(CALENDAR, june).status_code == 200
    accounts = [account(community, handle=f"brand{n}") for n in range(19)]
    start = datetime(2031, 6, 1, tzinfo=UTC)
    CrossPost.objects.bulk_create(
        CrossPost(
            post=public_post,
            account=accounts[n % 19],
            scheduled_at=start + timedelta(minutes=20 * n),
            ref_code=f"bulk{n}",
            status=CrossPostStatus.PUBLISHED if n % 2 else CrossPostStatus.SCHEDULED,
        )
        for n in range(1999)
    )

    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(CALENDAR, june)

    html = page.content.decode()
    # A month shows four a day and counts the rest; a week shows every one of its days'.
    assert html.count('data-testid="chip"') == (4 * 28 if view == "month" else 7 * 72 + 1)
    if view == "month":
        assert "+68 more" in html


# Moving


@pytest.fixture
def scheduled(community, public_post):
    return crosspost(public_post, account(community), timezone.now() + timedelta(days=2))


def move_url(item):
    return reverse("crossposting:calendar_move", args=[item.pk])


def test_the_plain_form_moves_a_cross_post_in_the_viewers_time_zone(client, in_auckland, scheduled):
    client.force_login(in_auckland)
    form = client.get(move_url(scheduled), {"next": f"{CALENDAR}?view=week"})
    assert "<title>Move a cross-post · Sosoon</title>" in form.content.decode()

    response = client.post(
        move_url(scheduled), {"scheduled_at": "2031-07-01T18:00", "next": f"{CALENDAR}?view=week"}
    )

    assert response.status_code == 302 and response["Location"] == f"{CALENDAR}?view=week"
    scheduled.refresh_from_db()
    assert scheduled.scheduled_at == datetime(2031, 7, 1, 18, tzinfo=AUCKLAND)


def test_a_drop_moves_it_through_htmx_and_refreshes_the_calendar(client, owner, scheduled):
    client.force_login(owner)
    response = client.post(
        move_url(scheduled), {"scheduled_at": "2031-07-02T09:45"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and response["HX-Refresh"] == "true"
    scheduled.refresh_from_db()
    assert scheduled.scheduled_at == datetime(2031, 7, 2, 9, 45, tzinfo=ZoneInfo("UTC"))
    page = client.get(CALENDAR, {"date": "2031-07-02"}).content.decode()
    assert "Moved to Wed 2 Jul 09:45." in page


def test_a_move_into_the_past_is_refused_and_nothing_changes(client, owner, scheduled):
    client.force_login(owner)
    before = scheduled.scheduled_at
    page = client.post(move_url(scheduled), {"scheduled_at": "2020-01-01T10:00"}, follow=True)
    assert "Choose a time in the future." in page.content.decode()
    scheduled.refresh_from_db()
    assert scheduled.scheduled_at == before


def test_a_published_cross_post_cannot_move(client, owner, community, public_post):
    done = crosspost(
        public_post, account(community), timezone.now() - timedelta(days=1), status="published"
    )
    client.force_login(owner)
    page = client.post(move_url(done), {"scheduled_at": "2031-01-01T10:00"}, follow=True)
    assert "Only scheduled or failed cross-posts can be rescheduled." in page.content.decode()
    done.refresh_from_db()
    assert done.status == CrossPostStatus.PUBLISHED and done.scheduled_at.year != 2031


def test_a_post_that_stopped_being_public_cannot_move(client, owner, scheduled, public_post):
    public_post.audience = "community"
    public_post.save()
    client.force_login(owner)
    page = client.post(move_url(scheduled), {"scheduled_at": "2031-01-01T10:00"}, follow=True)
    assert "Only public posts can be cross-posted" in page.content.decode()
    scheduled.refresh_from_db()
    assert scheduled.scheduled_at.year != 2031


@pytest.mark.parametrize("who", ["member", "moderator", "outsider"])
def test_nobody_else_can_see_or_move_a_cross_post(who, request, client, scheduled):
    client.force_login(request.getfixturevalue(who))
    assert client.get(move_url(scheduled)).status_code == 404
    assert client.post(move_url(scheduled), {"scheduled_at": "2031-01-01T10:00"}).status_code == 404
    scheduled.refresh_from_db()
    assert scheduled.scheduled_at.year != 2031


def test_a_former_admin_can_no_longer_move(client, community, scheduled, user_factory):
    former = add_member(community, user_factory(handle="former"), role="admin")
    former.role = "member"
    former.save()
    client.force_login(former.user)
    assert client.post(move_url(scheduled), {"scheduled_at": "2031-01-01T10:00"}).status_code == 404


def test_next_redirects_only_to_this_site(client, owner, scheduled):
    client.force_login(owner)
    response = client.post(
        move_url(scheduled), {"scheduled_at": "2031-07-01T18:00", "next": "https://evil.test/"}
    )
    assert response["Location"] == CALENDAR


@pytest.mark.parametrize("view", ["month", "week"])
def test_what_people_typed_is_escaped_in_the_grid(view, client, owner, community, public_post):
    x = account(community, handle="<b>brand</b>")
    crosspost(public_post, x, datetime(2031, 6, 4, 10, tzinfo=UTC), text='"><script>x()</script>')
    client.force_login(owner)
    html = client.get(CALENDAR, {"date": "2031-06-04", "view": view}).content.decode()
    assert "<script>x()" not in html and "<b>brand" not in html
    assert "&lt;b&gt;brand&lt;/b&gt;" in html and "&quot;&gt;&lt;script&gt;" in html
