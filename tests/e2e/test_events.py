"""Events on a phone, in a real browser against a real daphne: an insider answers "going" to
an Insider-only tasting, sees the place count change, and downloads its .ics; a base-tier
member cannot open it."""

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from tests.e2e.login_form import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TITLE = "Insider blind tasting"

MAKE_TASTING = f"""
from datetime import timedelta
from django.utils import timezone
from communities.models import Community, Tier
from feeds.events.services.events import check_create_event
from sosoon_site.accounts.models import User
wine = Community.objects.get(slug="natural-wine-club")
starts = timezone.now() + timedelta(days=10)
event = check_create_event(
    User.objects.get(handle="ana"), wine, title="{TITLE}", starts_at=starts,
    ends_at=starts + timedelta(hours=2), time_zone="Europe/Paris", place="The cellar",
    capacity=8, body="Six wines, no labels.", audience="tier",
    min_tier=Tier.objects.get(community=wine, name="Insider"),
)
print(event.get_absolute_url())
"""


def test_an_insider_answers_a_tier_only_tasting_and_downloads_its_ics(live, new_page, tmp_path):
    url = live.python(MAKE_TASTING)
    emma: Page = sign_in(new_page(viewport=PHONE, accept_downloads=True), "emma@demo.sosoon.test")

    emma.goto("/")
    emma.get_by_test_id("home-events").get_by_role("link", name=TITLE).click()
    expect(emma).to_have_title(f"{TITLE} · Natural Wine Club · Sosoon")
    expect(emma.get_by_test_id("places")).to_have_text("0 going of 8 · 8 left")
    emma.get_by_test_id("rsvp").get_by_role("button", name="Going").click()
    expect(emma.get_by_text("Your answer: Going.")).to_be_visible()
    expect(emma.get_by_test_id("places")).to_have_text("1 going of 8 · 7 left")
    expect(emma.get_by_test_id("attendees")).to_contain_text("Emma")
    assert emma.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    with emma.expect_download() as download_info:
        emma.get_by_test_id("ics").click()
    path = tmp_path / "event.ics"
    download_info.value.save_as(path)
    (item,) = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert str(item["summary"]) == TITLE and "The cellar" in str(item["location"])

    farid: Page = sign_in(new_page(viewport=PHONE), "farid@demo.sosoon.test")
    response = farid.goto(url)
    assert response is not None and response.status == 404
