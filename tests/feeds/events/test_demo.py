"""The demo's events: an Insider tasting with a waitlist and a past party, loaded once."""

from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from feeds.events.demo import HARVEST, TASTING
from feeds.events.models import RSVP, Event
from sosoon_site.accounts.models import User


def test_the_demo_has_an_insider_tasting_with_a_waitlist_and_a_past_event(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    tasting, harvest = Event.objects.get(title=TASTING), Event.objects.get(title=HARVEST)
    assert tasting.post.audience == "tier" and tasting.post.min_tier.name == "Insider"
    assert not tasting.is_over and harvest.is_over
    rsvps = RSVP.objects.filter(event=tasting).order_by("pk")
    assert list(rsvps.values_list("user__handle", "status")) == [
        ("emma", "going"),
        ("ben", "waitlisted"),
    ]
    client = Client()
    client.force_login(User.objects.get(handle="emma"))
    page = client.get(reverse("events:community", kwargs={"slug": "natural-wine-club"})).text
    assert TASTING in page and HARVEST in page
    client.force_login(User.objects.get(handle="farid"))  # base tier: no tasting
    page = client.get(reverse("events:community", kwargs={"slug": "natural-wine-club"})).text
    assert TASTING not in page and HARVEST in page
