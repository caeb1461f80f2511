"""An event's card in the feeds reads as an event: its title and start above the description,
linking the event page, and "Cancelled" once it is called off."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from feeds.events.services.events import check_cancel_event
from feeds.templatetags.feed_tags import EVENT_START_FORMAT

FEED = reverse("feeds:community", kwargs={"slug": "wine"})


def _card(page: str, post_id: int) -> str:
    start = page.index(f'id="post-{post_id}"')
    return page[start : page.index("</article>", start)]


@pytest.mark.parametrize("where", [FEED, "/", "/?order=top"])
def test_an_event_card_names_the_event_and_when_it_starts(
    client, member, event_factory, post_factory, where
):
    event = event_factory(title="Skin-contact night", starts_in=timedelta(days=2))
    plain = post_factory(body="A plain note")
    client.force_login(member)
    page = client.get(where).text
    card = _card(page, event.post_id)
    starts = dateformat.format(timezone.localtime(event.starts_at), EVENT_START_FORMAT)
    assert 'data-testid="post-event"' in card
    assert f'<a href="{event.get_absolute_url()}"><strong>Skin-contact night</strong></a>' in card
    assert starts in card
    assert "Six skin-contact wines from Georgia." in card, "the description follows"
    assert "Cancelled" not in card
    assert 'data-testid="post-event"' not in _card(page, plain.pk)


def test_a_cancelled_event_says_so_on_its_card(client, member, author, event_factory):
    event = event_factory(title="Skin-contact night")
    check_cancel_event(author, event.pk)
    client.force_login(member)
    card = _card(client.get(FEED).text, event.post_id)
    assert "Skin-contact night" in card and "Cancelled" in card


def test_an_event_in_a_tier_the_viewer_lacks_has_no_card(
    client, member, insider, community, event_factory
):
    event = event_factory(
        title="Insiders' allocation", audience="tier", min_tier=community.tiers.get(name="Insider")
    )
    client.force_login(member)
    assert "Insiders' allocation" not in client.get(FEED).text
    client.force_login(insider)
    assert "Insiders&#x27; allocation" in _card(client.get(FEED).text, event.post_id)
