"""Posting slots, "next free slot", account groups, accounts at a glance and the iCalendar
feed, each with the people who may not touch them."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from feeds.crossposting.calendar.groups import check_create_group
from feeds.crossposting.calendar.models import AccountGroup, PostingSlot
from feeds.crossposting.calendar.slots import check_add_slot, next_free_slot
from feeds.crossposting.models import AccountStatus, CrossPost, CrossPostStatus
from tests.feeds.crossposting.calendar_data import account, crosspost

SLOTS = reverse("crossposting:calendar_slots")
GLANCE = reverse("crossposting:calendar_accounts")
UTC = ZoneInfo("UTC")


def test_a_slot_is_added_in_the_owners_time_zone(client, owner, community):
    owner.time_zone = "Europe/Paris"
    owner.save()
    x = account(community)
    client.force_login(owner)

    page = client.post(
        SLOTS, {"form": "slot", "account": x.pk, "weekday": 1, "at": "18:00"}, follow=True
    )

    assert "Posting slot added." in page.content.decode()
    assert "Tue 18:00" in page.content.decode()
    slot = PostingSlot.objects.get()
    assert (slot.account, slot.weekday, slot.time_zone) == (x, 1, "Europe/Paris")
    assert "<title>Posting slots and groups · Sosoon</title>" in page.content.decode()


def test_the_same_slot_twice_is_refused(client, owner, community):
    x = account(community)
    client.force_login(owner)
    data = {"form": "slot", "account": x.pk, "weekday": 3, "at": "09:00"}
    client.post(SLOTS, data)
    page = client.post(SLOTS, data)
    assert "This account already has that slot." in page.content.decode()
    assert PostingSlot.objects.count() == 1


@pytest.mark.parametrize("who", ["member", "moderator", "outsider"])
def test_nobody_else_adds_or_removes_an_accounts_slots(who, request, client, community):
    x = account(community)
    slot = PostingSlot.objects.create(account=x, weekday=1, at="18:00")
    client.force_login(request.getfixturevalue(who))

    page = client.post(SLOTS, {"form": "slot", "account": x.pk, "weekday": 2, "at": "10:00"})
    assert page.status_code == 200 and "@wineclub" not in page.content.decode()
    with pytest.raises(Http404):
        check_add_slot(request.getfixturevalue(who), x.pk, weekday=2, at=time(10), time_zone="UTC")
    assert (
        client.post(reverse("crossposting:calendar_remove_slot", args=[slot.pk])).status_code == 404
    )
    assert list(PostingSlot.objects.all()) == [slot]


def test_next_free_slot_skips_taken_occurrences_and_honours_the_slots_zone(community, public_post):
    x, pin = account(community), account(community, "pinterest", "pins")
    # Tuesdays 18:00 in Auckland is 06:00 UTC on Tuesdays in June (NZST, +12).
    PostingSlot.objects.create(account=x, weekday=1, at="18:00", time_zone="Pacific/Auckland")
    PostingSlot.objects.create(account=pin, weekday=2, at="09:00", time_zone="UTC")
    monday = datetime(2031, 6, 2, 12, tzinfo=UTC)

    assert next_free_slot([x], after=monday) == datetime(2031, 6, 3, 6, tzinfo=UTC)
    crosspost(public_post, x, datetime(2031, 6, 3, 6, tzinfo=UTC))
    assert next_free_slot([x], after=monday) == datetime(2031, 6, 10, 6, tzinfo=UTC)
    # With both ticked, the earliest slot of either at which neither posts yet.
    assert next_free_slot([x, pin], after=monday) == datetime(2031, 6, 4, 9, tzinfo=UTC)
    crosspost(public_post, pin, datetime(2031, 6, 10, 6, tzinfo=UTC))
    assert next_free_slot([x, pin], after=datetime(2031, 6, 5, tzinfo=UTC)) == datetime(
        2031, 6, 11, 9, tzinfo=UTC
    )
    assert next_free_slot([account(community, "tiktok", "none")]) is None


def test_a_cancelled_cross_post_frees_its_slot(community, public_post):
    x = account(community)
    PostingSlot.objects.create(account=x, weekday=1, at="18:00")
    crosspost(public_post, x, datetime(2031, 6, 3, 18, tzinfo=UTC), status="cancelled")
    assert next_free_slot([x], after=datetime(2031, 6, 2, tzinfo=UTC)) == datetime(
        2031, 6, 3, 18, tzinfo=UTC
    )


def test_the_move_page_offers_the_accounts_next_free_slot(client, owner, community, public_post):
    x = account(community)
    later = timezone.now() + timedelta(days=3)
    PostingSlot.objects.create(account=x, weekday=later.weekday(), at="07:30")
    item = crosspost(public_post, x, timezone.now() + timedelta(days=1))
    client.force_login(owner)
    page = client.get(reverse("crossposting:calendar_move", args=[item.pk])).content.decode()
    assert "Move to the next free slot" in page and "07:30" in page


def test_a_group_is_made_of_one_communitys_accounts(client, owner, community, community_factory):
    x, pin = account(community), account(community, "pinterest", "pins")
    other = account(community_factory(owner=owner, name="Synth Shop", slug="synth"), handle="s")
    client.force_login(owner)

    page = client.post(
        SLOTS, {"form": "group", "name": "Wine brand", "accounts": [x.pk, pin.pk]}, follow=True
    )
    assert "Group created." in page.content.decode()
    group = AccountGroup.objects.get()
    assert set(group.accounts.all()) == {x, pin} and group.community == community

    mixed = client.post(SLOTS, {"form": "group", "name": "Mixed", "accounts": [x.pk, other.pk]})
    assert "A group&#x27;s accounts belong to one community" in mixed.content.decode()
    assert AccountGroup.objects.count() == 1


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_nobody_else_groups_or_removes_a_communitys_accounts(who, request, client, community):
    x = account(community)
    group = AccountGroup.objects.create(community=community, name="Wine brand")
    client.force_login(request.getfixturevalue(who))
    client.post(SLOTS, {"form": "group", "name": "Mine", "accounts": [x.pk]})
    with pytest.raises(ValidationError, match="Choose accounts you manage"):
        check_create_group(request.getfixturevalue(who), name="Mine", account_ids=[x.pk])
    assert "Wine brand" not in client.get(SLOTS).content.decode()
    remove = reverse("crossposting:calendar_remove_group", args=[group.pk])
    assert client.post(remove).status_code == 404
    assert list(AccountGroup.objects.all()) == [group]


# Accounts at a glance


def test_accounts_at_a_glance_shows_health_last_and_next_publish_and_errors(
    client, owner, community, public_post, community_factory, user_factory
):
    healthy = account(community)
    failing = account(community, "pinterest", "pins")
    failing.status, failing.status_reason = AccountStatus.REFRESH_FAILING, "Pinterest is down."
    failing.save()
    lost = account(community, "tiktok", "clips")
    lost.status, lost.status_reason = AccountStatus.REAUTH_REQUIRED, "TikTok revoked access."
    lost.save()
    crosspost(
        public_post,
        healthy,
        datetime(2031, 5, 1, 9, tzinfo=UTC),
        status=CrossPostStatus.PUBLISHED,
        published_at=datetime(2031, 5, 1, 9, 1, tzinfo=UTC),
    )
    crosspost(public_post, healthy, datetime(2031, 7, 1, 9, tzinfo=UTC))
    crosspost(
        public_post,
        lost,
        datetime(2031, 5, 2, 9, tzinfo=UTC),
        status=CrossPostStatus.FAILED,
        reason="TikTok refused the photo.",
    )
    stranger = user_factory(handle="stranger")
    account(community_factory(owner=stranger, name="Elsewhere", slug="elsewhere"), handle="nope")
    client.force_login(owner)

    html = client.get(GLANCE).content.decode()

    assert "<title>Accounts at a glance · Sosoon</title>" in html
    rows = html.split('data-testid="glance-account"')[1:]
    assert len(rows) == 3 and "@nope" not in html
    by_handle = {
        handle: row
        for row in rows
        for handle in ("wineclub", "pins", "clips")
        if f"@{handle}" in row
    }
    assert (
        "Connected" in by_handle["wineclub"]
        and 'data-testid="reconnect"' not in by_handle["wineclub"]
    )
    assert "Thursday 1 May 2031, 09:01 (UTC)" in by_handle["wineclub"]
    assert "Tue 1 Jul 2031 09:00" in by_handle["wineclub"]
    assert "Refresh failing" in by_handle["pins"] and "Pinterest is down." in by_handle["pins"]
    assert "Re-authorisation required" in by_handle["clips"]
    assert (
        "1 cross-post failed or needs review. Latest: TikTok refused the photo."
        in by_handle["clips"]
    )
    assert (
        f'action="{reverse("crossposting:connect", args=[community.slug, "tiktok"])}"'
        in by_handle["clips"]
    )


def test_accounts_at_a_glance_costs_the_same_queries_for_many_accounts(
    client, owner, community, public_post, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    account(community, handle="first")
    client.force_login(owner)
    client.get(GLANCE)
    with CaptureQueriesContext(connection) as few:
        client.get(GLANCE)
    for n in range(12):
        crosspost(public_post, account(community, handle=f"b{n}"), timezone.now(), status="failed")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(GLANCE).content.decode().count('data-testid="glance-account"') == 13


@pytest.mark.parametrize("who", ["member", "moderator", "outsider"])
def test_accounts_at_a_glance_shows_nobody_else_the_accounts(who, request, client, community):
    account(community)
    client.force_login(request.getfixturevalue(who))
    html = client.get(GLANCE).content.decode()
    assert "@wineclub" not in html and "You manage no connected accounts" in html


# The iCalendar feed


def test_the_ical_feed_lists_the_managers_schedule_only(
    client, owner, community, public_post, community_factory, user_factory
):
    x = account(community)
    soon = timezone.now() + timedelta(days=1)
    mine = crosspost(public_post, x, soon)
    crosspost(public_post, x, soon + timedelta(hours=1), status="cancelled")
    stranger = user_factory(handle="stranger")
    theirs = account(community_factory(owner=stranger, name="Elsewhere", slug="elsewhere"))
    crosspost(public_post, theirs, soon)
    client.force_login(owner)

    response = client.get(reverse("crossposting:calendar_ical"))

    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(event["uid"]).split("@")[0] for event in events] == [f"crosspost-{mine.pk}"]
    assert str(events[0]["summary"]) == "X @wineclub (Scheduled)"
    assert events[0].decoded("dtstart") == mine.scheduled_at.replace(microsecond=0)
    assert CrossPost.objects.count() == 3
