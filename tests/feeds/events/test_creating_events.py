"""Creating events from their own form: the event and its post together, or nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feeds.events.models import Event
from feeds.events.services.events import check_create_event
from feeds.models import Audience, Post
from tests.factories import create_community

NEW = reverse("events:new", kwargs={"slug": "wine"})


def local(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def form_data(**changes) -> dict:
    starts = timezone.now() + timedelta(days=5)
    data = {
        "title": "Pét-nat evening",
        "starts_at": local(starts),
        "ends_at": local(starts + timedelta(hours=2)),
        "time_zone": "UTC",
        "place": "The cellar",
        "online_link": "",
        "capacity": "12",
        "body": "Bring a friend.",
        "audience": Audience.COMMUNITY,
    }
    data.update(changes)
    return data


def test_a_member_creates_an_event_and_lands_on_its_page(client, member):
    client.force_login(member)
    response = client.post(NEW, form_data(), follow=True)
    event = Event.objects.get()
    assert response.redirect_chain[-1][0] == event.get_absolute_url()
    assert "Pét-nat evening" in response.text and "Bring a friend." in response.text
    assert event.post.author == member and event.post.body == "Bring a friend."
    assert event.capacity == 12


def test_the_form_reads_local_times_in_the_chosen_zone(client, member):
    client.force_login(member)
    client.post(
        NEW,
        form_data(
            time_zone="Europe/Sofia",
            starts_at="2030-01-15T19:00",
            ends_at="2030-01-15T22:30",
        ),
    )
    event = Event.objects.get()
    assert event.starts_at == datetime(2030, 1, 15, 17, 0, tzinfo=UTC)
    page = client.get(event.get_absolute_url())
    assert "Tuesday 15 January 2030, 19:00" in page.text and "22:30" in page.text
    assert "Europe/Sofia" in page.text


def test_the_zone_defaults_to_the_creators_own(client, member):
    member.time_zone = "America/Chicago"
    member.save()
    client.force_login(member)
    page = client.get(NEW)
    assert '<option value="America/Chicago" selected>' in page.text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_at": local(timezone.now() + timedelta(days=4))}, "must end after it starts"),
        (
            {
                "starts_at": local(timezone.now() - timedelta(days=1)),
                "ends_at": local(timezone.now() + timedelta(days=1)),
            },
            "cannot start in the past",
        ),
        ({"capacity": "0"}, "Capacity is at least 1"),
        ({"capacity": "-3"}, "Capacity is at least 1"),
        ({"place": "", "online_link": ""}, "Give a place or an online link"),
        ({"title": ""}, "This field is required"),
        ({"audience": Audience.PUBLIC}, "Choose who will see the post from the list"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(client, member, changes, message):
    client.force_login(member)
    response = client.post(NEW, form_data(**changes))
    assert response.status_code == 200
    assert message in response.text
    assert not Event.objects.exists() and not Post.objects.exists()


def test_the_service_refuses_bad_times_without_leaving_a_post(community, member):
    starts = timezone.now() + timedelta(days=1)
    with pytest.raises(Exception, match="end after it starts"):
        check_create_event(
            member,
            community,
            title="Backwards",
            starts_at=starts,
            ends_at=starts - timedelta(hours=1),
            time_zone="UTC",
            place="Here",
            body="Oops",
            audience=Audience.COMMUNITY,
        )
    assert not Post.objects.exists()


def test_a_refused_post_leaves_no_event(community, member):
    """The post's own checks run inside the event's transaction."""
    tier = community.tiers.get(name="Insider")
    other_tier = type(tier).objects.create(
        community=create_community(slug="other", name="Other club"), name="VIP", rank=1
    )
    starts = timezone.now() + timedelta(days=1)
    with pytest.raises(Exception, match="another community"):
        check_create_event(
            member,
            community,
            title="Elsewhere",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            time_zone="UTC",
            place="Here",
            body="Tier from elsewhere",
            audience=Audience.TIER,
            min_tier=other_tier,
        )
    assert not Event.objects.exists() and not Post.objects.exists()


def test_only_members_create_events(client, outsider, banned):
    client.force_login(outsider)
    assert client.get(NEW).status_code == 404
    assert client.post(NEW, form_data()).status_code == 404
    client.force_login(banned)
    assert client.post(NEW, form_data()).status_code == 404
    assert not Event.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(NEW)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_events_tab_has_a_new_event_button_for_members(client, member):
    client.force_login(member)
    page = client.get(reverse("events:community", kwargs={"slug": "wine"}))
    assert 'href="/c/wine/events/new/"' in page.text and ">Events</a>" in page.text
