"""Feeds in Bulgarian: the composer's audience list and its "Visible to N people" sentence
(singular and plural), a refused post's message, and an event reminder as its recipient reads
it. Each runs under `translation.override("bg")` and asks for Bulgarian in the request too,
as a Bulgarian browser does."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from feeds.events.models import RSVPStatus
from feeds.events.services.events import check_create_event
from feeds.events.services.reminders import send_due_reminders
from feeds.events.services.rsvps import do_rsvp
from feeds.models import Audience
from tests.factories import add_member
from tests.feeds.test_composer import choices_on

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOG = LOCALE / "bg" / "LC_MESSAGES" / "django"
FEED = reverse("feeds:community", kwargs={"slug": "wine"})
COMPOSE = reverse("feeds:compose", kwargs={"slug": "wine"})
AUDIENCE = reverse("feeds:audience", kwargs={"slug": "wine"})
BULGARIAN = {"HTTP_ACCEPT_LANGUAGE": "bg"}


pytestmark = pytest.mark.usefixtures("bulgarian")


def test_the_audience_list_and_its_sentence_are_in_bulgarian(client, author, close_friends):
    client.force_login(author)

    page = client.get(FEED, **BULGARIAN).text

    assert choices_on(page) == [
        "Всички в Natural Wine Club",
        "Insider и нагоре",
        "Близки приятели",
    ]
    assert "Кой ще я вижда" in page
    assert "Видима за 2 членове на Natural Wine Club" in page
    assert "Everyone in" not in page and "Visible to" not in page


def test_the_sentence_counts_one_person_and_many(
    client, community, author, close_friends, user_factory
):
    client.force_login(author)
    circle = {"audience": f"circle:{close_friends.pk}"}

    alone = client.get(AUDIENCE, circle, HTTP_HX_REQUEST="true", **BULGARIAN).text
    assert "Видима за 1 човек в Natural Wine Club: вие и хората от „Близки приятели“ там" in alone

    for handle in ("fay", "gus"):
        friend = add_member(community, user_factory(handle=handle))
        close_friends.members.create(user=friend.user)
    three = client.get(AUDIENCE, circle, HTTP_HX_REQUEST="true", **BULGARIAN).text
    assert "Видима за 3 души в Natural Wine Club" in three


def test_a_refused_post_says_why_in_bulgarian(client, author):
    client.force_login(author)

    refused = client.post(COMPOSE, {"body": "  ", "audience": "community"}, **BULGARIAN)

    assert refused.status_code == 400
    assert "Напишете нещо или добавете снимка." in refused.text


def tasting(author, community, **fields):
    starts_at = timezone.now() + timedelta(days=3)
    return check_create_event(
        author,
        community,
        title="Orange wine tasting",
        body="Six skin-contact wines from Georgia.",
        place="The cellar",
        time_zone="Europe/Sofia",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        audience=Audience.COMMUNITY,
        **fields,
    )


def test_an_event_page_reads_in_bulgarian(client, community, author, user_factory):
    event = tasting(author, community, capacity=3)
    guest = add_member(community, user_factory(handle="guest")).user
    do_rsvp(guest, event, RSVPStatus.GOING)
    client.force_login(guest)

    page = client.get(event.get_absolute_url(), **BULGARIAN).text

    facts = re.findall(r"<dt>([^<]+)</dt>", page)
    assert facts == ["Кога", "Къде", "Места"]  # noqa: RUF001 (Bulgarian, not look-alike Latin)
    assert "1 идват от 3 · остават 2" in page
    answer = re.search(r'data-testid="my-answer">([^<]+)<', page)[1]
    assert "Вашият отговор:" in page and answer == "Ще дойда"
    assert re.findall(r"<h3>([^<]+)</h3>", page)[0] == "Идват"


def test_an_event_reminder_reads_in_bulgarian(community, author, user_factory):
    guest = add_member(community, user_factory(handle="guest", display_name="Gala")).user
    event = tasting(author, community)
    starts_at = event.starts_at
    do_rsvp(guest, event, RSVPStatus.GOING)

    assert send_due_reminders(starts_at - timedelta(hours=23)) == 1

    (message,) = [sent for sent in mail.outbox if sent.to == [guest.email]]
    assert message.subject == "Напомняне: „Orange wine tasting“ започва утре"
    assert message.body.startswith("Здравейте, Gala,")
    assert "„Orange wine tasting“ (Natural Wine Club) започва утре:" in message.body
    assert "Къде: The cellar" in message.body
    assert "Събитието: http" in message.body
