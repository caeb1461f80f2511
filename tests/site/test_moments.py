"""The one date format: relative within a day, the date after, the full time as a tooltip, in
the reader's time zone, on every page that shows a moment."""

import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from communities.moderation.models import ActionKind, ModerationAction
from sosoon_site.moments import moment_html, moment_text, moment_title

NOW = datetime(2026, 12, 1, 18, 38, tzinfo=UTC)


@pytest.mark.parametrize(
    ("offset", "shown"),
    [
        (timedelta(seconds=-20), "just now"),
        (timedelta(minutes=-5), "5 min ago"),
        (timedelta(minutes=-59, seconds=-59), "59 min ago"),
        (timedelta(hours=-3, minutes=-10), "3 h ago"),
        (timedelta(hours=-23, minutes=-59), "23 h ago"),
        (timedelta(minutes=10), "in 10 min"),
        (timedelta(hours=5), "in 5 h"),
    ],
)
def test_within_a_day_a_moment_reads_relative(offset, shown):
    assert moment_text(NOW + offset, now=NOW) == shown


@pytest.mark.parametrize(
    ("zone", "moment", "shown"),
    [
        # 23:30 on 29 November in UTC is already 30 November in Sofia, still the 29th in
        # New York: the date is the reader's.
        ("UTC", datetime(2026, 11, 29, 23, 30, tzinfo=UTC), "29 Nov"),
        ("Europe/Sofia", datetime(2026, 11, 29, 23, 30, tzinfo=UTC), "30 Nov"),
        ("America/New_York", datetime(2026, 11, 30, 3, 0, tzinfo=UTC), "29 Nov"),
        ("Asia/Tokyo", datetime(2025, 12, 31, 16, 0, tzinfo=UTC), "1 Jan"),
        ("UTC", datetime(2025, 12, 31, 16, 0, tzinfo=UTC), "31 Dec 2025"),
        ("Europe/Sofia", datetime(2027, 2, 3, 9, 0, tzinfo=UTC), "3 Feb 2027"),
    ],
)
def test_after_a_day_a_moment_reads_as_the_date_where_the_reader_is(zone, moment, shown):
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        assert moment_text(moment, now=NOW) == shown


@pytest.mark.parametrize(
    ("zone", "title", "machine"),
    [
        ("UTC", "Tuesday 1 December 2026, 18:38 (UTC)", "2026-12-01T18:38:00+00:00"),
        (
            "Europe/Sofia",
            "Tuesday 1 December 2026, 20:38 (Europe/Sofia)",
            "2026-12-01T20:38:00+02:00",
        ),
        (
            "Pacific/Auckland",
            "Wednesday 2 December 2026, 07:38 (Pacific/Auckland)",
            "2026-12-02T07:38:00+13:00",
        ),
    ],
)
def test_the_tooltip_holds_the_full_time_in_the_readers_zone(zone, title, machine):
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        assert moment_title(NOW) == title
        assert moment_html(NOW, now=NOW + timedelta(minutes=5)) == (
            f'<time datetime="{machine}" title="{title}">5 min ago</time>'
        )


def test_the_filter_takes_datetimes_and_the_iso_text_snapshots_keep():
    template = Template('{{ when|moment:"muted" }}|{{ text|moment }}|{{ nothing|moment }}')
    with timezone.override(zoneinfo.ZoneInfo("Europe/Sofia")):
        shown = template.render(
            Context({"when": NOW, "text": "2026-11-03T18:38:00+00:00", "nothing": None})
        )
    first, second, third = shown.split("|")
    assert (
        first.startswith('<time datetime="2026-12-01T20:38:00+02:00"') and 'class="muted"' in first
    )
    assert "Tuesday 3 November 2026, 20:38 (Europe/Sofia)" in second and ">3 Nov" in second
    assert third == ""


def test_the_moderation_log_shows_no_raw_timestamp(client, community, owner):
    owner.time_zone = "Europe/Sofia"
    owner.save(update_fields=["time_zone"])
    ModerationAction.objects.create(
        actor=owner,
        action=ActionKind.WARN,
        community=community,
        community_name=community.name,
        target_label="member",
        target_id=1,
        reason="Be kind",
        created=timezone.now() - timedelta(minutes=5),
    )
    client.force_login(owner)
    page = client.get(f"/c/{community.slug}/moderation/").content.decode()
    assert ">5 min ago</time>" in page
    assert "(Europe/Sofia)" in page
