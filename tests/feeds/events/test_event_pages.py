"""The Events tab, the home page's upcoming events, and the event page's attendees."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feeds.events.models import RSVPStatus
from feeds.events.services.rsvps import do_rsvp
from feeds.models import Audience
from sosoon_site.accounts.blocks import do_block

TAB = reverse("events:community", kwargs={"slug": "wine"})


def test_the_tab_lists_upcoming_soonest_first_then_past(client, member, event_factory):
    later = event_factory(title="Later tasting", starts_in=timedelta(days=9))
    sooner = event_factory(title="Sooner tasting", starts_in=timedelta(days=2))
    past = event_factory(title="Harvest party")
    past.starts_at -= timedelta(days=30)
    past.ends_at -= timedelta(days=30)
    past.save()
    client.force_login(member)
    page = client.get(TAB).text
    upcoming = page[page.index("upcoming-events") : page.index("past-title")]
    assert upcoming.index("Sooner tasting") < upcoming.index("Later tasting")
    assert "Harvest party" not in upcoming
    assert "Harvest party" in page[page.index("past-title") :]
    assert sooner.get_absolute_url() in page and later.get_absolute_url() in page


def test_the_tab_is_404_for_outsiders_of_an_unlisted_community(client, outsider, event_factory):
    event_factory()
    assert client.get(TAB).status_code == 404
    client.force_login(outsider)
    assert client.get(TAB).status_code == 404


def home_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured.captured_queries)


def test_home_shows_upcoming_events_for_a_fixed_number_of_queries(
    client, insider, community, event_factory, post_factory
):
    post_factory(body="A plain post, so the feed below has cards either way")
    client.force_login(insider)
    none = home_queries(client)
    event_factory(title="First tasting")
    one = home_queries(client)
    for number in range(6):
        event_factory(title=f"Tasting {number}", starts_in=timedelta(days=4 + number))
    tier = community.tiers.get(name="Insider")
    event_factory(title="Insider allocation", audience=Audience.TIER, min_tier=tier)
    many = home_queries(client)
    assert one <= none + 1 and many == one
    page = client.get("/").text
    listed = page[
        page.index('data-testid="home-events"') : page.index(
            "</section>", page.index('data-testid="home-events"')
        )
    ]
    assert listed.count('data-testid="event-item"') == 5
    assert "First tasting" in listed and "Natural Wine Club" in listed


def test_home_leaves_out_tier_events_below_ones_tier(client, member, community, event_factory):
    tier = community.tiers.get(name="Insider")
    event_factory(title="Insider allocation", audience=Audience.TIER, min_tier=tier)
    client.force_login(member)
    assert "Insider allocation" not in client.get("/").text


def test_the_attendee_list_shows_members_who_answered_but_not_blocked_people(
    client, member, insider, event_factory, people
):
    event = event_factory(capacity=1)
    do_rsvp(insider, event, RSVPStatus.GOING)
    do_rsvp(people[0], event, RSVPStatus.MAYBE)
    do_rsvp(people[1], event, RSVPStatus.GOING)
    do_rsvp(people[2], event, RSVPStatus.NOT_GOING)
    do_block(member, people[0])
    client.force_login(member)
    page = client.get(event.get_absolute_url()).text
    attendees = page[page.index('data-testid="attendees"') :]
    assert insider.name in attendees and people[1].name in attendees
    assert people[0].name not in attendees and people[2].name not in attendees
    assert "1 going of 1" in page


def test_comments_on_the_event_page_are_the_posts(client, member, event_factory):
    event = event_factory()
    client.force_login(member)
    client.post(
        reverse("feeds:comment", kwargs={"post_id": event.post_id}), {"body": "Count me in"}
    )
    page = client.get(event.get_absolute_url()).text
    assert "Count me in" in page[page.index('id="comments"') :]


def test_a_public_event_shows_outsiders_the_way_in_but_no_names(
    client, community, event_factory, member
):
    community.allow_public_teasers = True
    community.save()
    event = event_factory(audience=Audience.PUBLIC)
    do_rsvp(member, event, RSVPStatus.GOING)
    page = client.get(event.get_absolute_url()).text
    assert "Orange wine tasting" in page and "to answer." in page
    assert 'data-testid="attendees"' not in page and member.name not in page
    assert "1 going" in page
