"""The calendar, its move page, its iCalendar feed, the cross-post list and the metrics page
show a cross-post's stored text only while its post is public: once the post's audience
narrows, it is removed or withheld by moderators, or the community stops allowing teasers,
they still show the cross-post (it went out on the owner's account) but nothing of the post."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from communities.moderation.models import WithheldContent, WithholdState
from feeds.services.posts import do_remove_post
from tests.feeds.crossposting.calendar_data import account, crosspost

CALENDAR = reverse("crossposting:calendar")
ICAL = reverse("crossposting:calendar_ical")
UTC = ZoneInfo("UTC")
PUBLIC_TEXT = "Open cellar day on Saturday"
HIDDEN_TEXT = "Allocation for members only"


def narrow(post) -> None:
    post.audience = "community"
    post.save()


def remove(post) -> None:
    do_remove_post(post)


def withhold(post) -> None:
    WithheldContent.objects.create(
        community=post.community,
        target_label="post",
        target_id=post.pk,
        author=post.author,
        state=WithholdState.HIDDEN,
        reason="Reported",
    )


def stop_teasers(post) -> None:
    post.community.allow_public_teasers = False
    post.community.save()


@pytest.fixture(
    params=[narrow, remove, withhold, stop_teasers],
    ids=["narrowed", "removed", "withheld", "no teasers"],
)
def no_longer_public(request):
    return request.param


@pytest.fixture
def two_posts(owner, community, public_post, post_factory):
    """A published cross-post of `public_post` (which stays public) and one of another public
    post, both on 4 June 2031 at 10:00 and 11:00 UTC, and their account."""
    x = account(community)
    other = post_factory(audience="public", author=owner, community=community, body="Members")
    at = datetime(2031, 6, 4, 10, tzinfo=UTC)
    stays = crosspost(public_post, x, at, text=PUBLIC_TEXT, status="published")
    goes = crosspost(other, x, at + timedelta(hours=1), text=HIDDEN_TEXT, status="published")
    return stays, goes


@pytest.mark.parametrize("view", ["month", "week"])
def test_the_calendar_shows_the_text_of_public_posts_only(
    view, client, owner, two_posts, no_longer_public
):
    stays, goes = two_posts
    client.force_login(owner)
    before = client.get(CALENDAR, {"date": "2031-06-04", "view": view}).content.decode()
    assert PUBLIC_TEXT in before and HIDDEN_TEXT in before

    if no_longer_public is stop_teasers:
        # The whole community stops: neither post is public any more.
        no_longer_public(goes.post)
        hidden = [PUBLIC_TEXT, HIDDEN_TEXT]
    else:
        no_longer_public(goes.post)
        hidden = [HIDDEN_TEXT]
    html = client.get(CALENDAR, {"date": "2031-06-04", "view": view}).content.decode()

    # The cross-posts are still on the calendar; the text of a post no longer public is not.
    assert f'id="chip-{goes.pk}"' in html and f'id="chip-{stays.pk}"' in html
    for text in hidden:
        assert text not in html
    if no_longer_public is not stop_teasers:
        assert PUBLIC_TEXT in html


def test_the_move_page_shows_the_text_only_while_the_post_is_public(
    client, owner, two_posts, no_longer_public
):
    _stays, goes = two_posts
    client.force_login(owner)
    move = reverse("crossposting:calendar_move", args=[goes.pk])
    assert HIDDEN_TEXT in client.get(move).content.decode()

    no_longer_public(goes.post)
    html = client.get(move).content.decode()

    assert HIDDEN_TEXT not in html
    assert "Its post is no longer public, so its text is not shown." in html


def test_the_ical_feed_describes_only_cross_posts_of_public_posts(
    client, owner, community, public_post, post_factory, no_longer_public
):
    x = account(community)
    other = post_factory(audience="public", author=owner, community=community, body="Members")
    soon = timezone.now() + timedelta(days=1)
    stays = crosspost(
        public_post, x, soon - timedelta(days=2), text=PUBLIC_TEXT, status="published"
    )
    goes = crosspost(other, x, soon - timedelta(days=2), text=HIDDEN_TEXT, status="published")
    client.force_login(owner)

    no_longer_public(other)
    events = {
        str(event["uid"]).split("@")[0]: str(event.get("description", ""))
        for event in Calendar.from_ical(client.get(ICAL).content).walk("VEVENT")
    }

    assert set(events) == {f"crosspost-{stays.pk}", f"crosspost-{goes.pk}"}
    assert HIDDEN_TEXT not in client.get(ICAL).content.decode()
    assert events[f"crosspost-{goes.pk}"] == ""
    expected = "" if no_longer_public is stop_teasers else PUBLIC_TEXT
    assert events[f"crosspost-{stays.pk}"] == expected


@pytest.mark.parametrize("page", ["list", "metrics"])
def test_the_cross_post_list_and_metrics_page_show_the_text_only_while_the_post_is_public(
    page, client, owner, community, two_posts, no_longer_public
):
    stays, goes = two_posts
    client.force_login(owner)
    if page == "list":
        url = reverse("crossposting:list", args=[community.slug])
    else:
        url = reverse("crossposting:metrics:crosspost", args=[community.slug, goes.pk])
    assert HIDDEN_TEXT in client.get(url).content.decode()

    no_longer_public(goes.post)
    html = client.get(url).content.decode()

    # The cross-post is still listed, with what the network did with it; not the post's text.
    assert HIDDEN_TEXT not in html
    assert "Its post is no longer public, so its text is not shown." in html
    if page == "list":
        assert f'id="crosspost-{goes.pk}"' in html
        if no_longer_public is not stop_teasers:
            assert PUBLIC_TEXT in html and f'id="crosspost-{stays.pk}"' in html
