"""An event's .ics, and each person's private calendar feed behind a revocable token."""

from django.urls import reverse
from icalendar import Calendar

from communities.models import MembershipStatus
from feeds.events.models import CalendarFeed, RSVPStatus
from feeds.events.services.rsvps import do_rsvp
from feeds.models import Audience

SETTINGS = reverse("events:calendar_settings")


def feed_url(token) -> str:
    return reverse("events:calendar_feed", kwargs={"token": token})


def summaries(content: bytes) -> list[str]:
    return [str(item["summary"]) for item in Calendar.from_ical(content).walk("VEVENT")]


def test_an_events_ics_downloads_with_its_time_and_place(client, member, event_factory):
    event = event_factory()
    client.force_login(member)
    response = client.get(reverse("events:ics", kwargs={"event_id": event.pk}))
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    (item,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(item["summary"]) == "Orange wine tasting"
    assert item.decoded("dtstart") == event.starts_at.replace(microsecond=0)
    assert "The cellar" in str(item["location"])
    assert str(item["url"]).endswith(event.get_absolute_url())


def test_a_calendar_address_is_made_renewed_and_turned_off(client, member, event_factory):
    going, other = event_factory(title="Going to this"), event_factory(title="Not this")
    do_rsvp(member, going, RSVPStatus.GOING)
    do_rsvp(member, other, RSVPStatus.MAYBE)
    client.force_login(member)
    assert "You have no calendar address." in client.get(SETTINGS).text
    client.post(SETTINGS, {"action": "renew"})
    token = CalendarFeed.objects.get(user=member).token
    assert token in client.get(SETTINGS).text
    client.logout()
    assert summaries(client.get(feed_url(token)).content) == ["Going to this"]

    client.force_login(member)
    client.post(SETTINGS, {"action": "renew"})
    new_token = CalendarFeed.objects.get(user=member).token
    assert new_token != token
    assert client.get(feed_url(token)).status_code == 404
    assert client.get(feed_url(new_token)).status_code == 200

    client.post(SETTINGS, {"action": "revoke"})
    assert client.get(feed_url(new_token)).status_code == 404
    assert client.get(feed_url("not-a-token")).status_code == 404


def test_the_feed_drops_events_one_can_no_longer_see(client, insider, community, event_factory):
    tier_event = event_factory(
        title="Insiders only", audience=Audience.TIER, min_tier=community.tiers.get(name="Insider")
    )
    do_rsvp(insider, tier_event, RSVPStatus.GOING)
    client.force_login(insider)
    client.post(SETTINGS, {"action": "renew"})
    token = CalendarFeed.objects.get(user=insider).token
    assert summaries(client.get(feed_url(token)).content) == ["Insiders only"]
    insider.memberships.filter(community=community).update(status=MembershipStatus.BANNED)
    assert summaries(client.get(feed_url(token)).content) == []


def test_the_settings_page_needs_signing_in(client, db):
    assert client.get(SETTINGS).status_code == 302
    assert client.post(SETTINGS, {"action": "renew"}).status_code == 302
    assert not CalendarFeed.objects.exists()
