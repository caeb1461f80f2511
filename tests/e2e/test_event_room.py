"""An event's chat room for those going, on a phone in a real browser against a real daphne:
emma answers "going" and finds the room from the event page, gina waits on the waitlist and
cannot open it; emma gives up her place, her open room says so and stops taking messages,
and gina, promoted, enters and reads what was said."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.login_form import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TITLE = "Bread and wine picnic"

MAKE_PICNIC = f"""
from datetime import timedelta
from django.utils import timezone
from communities.models import Community
from feeds.events.services.events import check_create_event
from sosoon_site.accounts.models import User
wine = Community.objects.get(slug="natural-wine-club")
starts = timezone.now() + timedelta(days=12)
event = check_create_event(
    User.objects.get(handle="ana"), wine, title="{TITLE}", starts_at=starts,
    ends_at=starts + timedelta(hours=3), time_zone="Europe/Paris", place="The park",
    capacity=1, chat_room=True, body="One blanket, one seat.", audience="community",
)
print(event.get_absolute_url())
"""


def test_the_people_going_talk_in_the_events_room_and_lose_it_when_they_stop(live, new_page):
    url = live.python(MAKE_PICNIC)
    emma: Page = sign_in(new_page(viewport=PHONE), "emma@demo.sosoon.test")
    emma.goto(url)
    expect(emma.get_by_test_id("event-room-closed")).to_be_visible()
    emma.get_by_test_id("rsvp").get_by_role("button", name="Going").click()
    expect(emma.get_by_text("Your answer: Going.")).to_be_visible()
    emma.get_by_test_id("event-room").click()
    expect(emma).to_have_title(re.compile(r"^#bread-and-wine-picnic-\d+ · Natural Wine Club"))
    room_url = emma.url
    composer = emma.get_by_label("Message", exact=True)
    composer.fill("I will bring the bread")
    composer.press("Enter")
    # The first socket of a freshly started daphne can take seconds on a loaded machine; the
    # page queues the message meanwhile, so wait for it rather than for the usual 5 s.
    expect(emma.get_by_test_id("chat-messages")).to_contain_text(
        "I will bring the bread", timeout=30_000
    )
    assert emma.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    gina: Page = sign_in(new_page(viewport=PHONE), "gina@demo.sosoon.test")
    gina.goto(url)
    gina.get_by_test_id("rsvp").get_by_role("button", name="Going").click()
    expect(gina.get_by_text("The event is full: you are on the waitlist.")).to_be_visible()
    expect(gina.get_by_test_id("event-room")).to_have_count(0)
    response = gina.goto(room_url)
    assert response is not None and response.status == 404

    # From another tab: the server's revocation reaches the open room page.
    emma_elsewhere: Page = sign_in(new_page(viewport=PHONE), "emma@demo.sosoon.test")
    emma_elsewhere.goto(url)
    emma_elsewhere.get_by_test_id("rsvp").get_by_role("button", name="Can't go").click()
    expect(emma_elsewhere.get_by_text("Your answer: Can't go.")).to_be_visible()
    expect(emma.locator("[data-status]")).to_contain_text(f"no longer going to {TITLE}")
    expect(emma.get_by_label("Message", exact=True)).to_be_disabled()

    gina.goto(url)
    expect(gina.get_by_test_id("my-answer")).to_have_text("Going")
    gina.get_by_test_id("event-room").click()
    expect(gina.get_by_test_id("chat-messages")).to_contain_text(
        "I will bring the bread", timeout=30_000
    )
