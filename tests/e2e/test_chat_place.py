"""A chat room as a place of its own, in Chromium at a phone's size: the room fills the
screen with the composer at the bottom, messages from one person in a row share one header,
days are separated, and what arrived since the reader last looked sits under a "New
messages" line they can jump to."""

import pytest
from playwright.sync_api import expect

from tests.e2e.login_form import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SETUP = """
from communities.chat import services as chat
from communities.models import ChatRoom
from sosoon_site.accounts.models import User
room = ChatRoom.objects.get(community__slug="natural-wine-club", name="general")
ana, ben, chloe = (User.objects.get(handle=handle) for handle in ("ana", "ben", "chloe"))
latest = room.messages.order_by("-id").first()
if latest:
    chat.do_mark_read(ana, room, latest.pk)
for body in ("Grouped one", "Grouped two", "Grouped three"):
    chat.check_send_message(ben, room.pk, body)
chat.check_send_message(chloe, room.pk, "A different voice")
print(room.pk)
"""


def test_a_room_fills_the_phone_with_grouped_messages_under_a_new_messages_line(live, new_page):
    room_id = live.python(SETUP)
    page = sign_in(new_page(viewport=PHONE), "ana@demo.sosoon.test")
    page.goto(f"/c/natural-wine-club/chat/{room_id}/")
    messages = page.get_by_test_id("chat-messages")
    expect(messages).to_contain_text("A different voice")
    expect(page).to_have_title("#general · Natural Wine Club · Sosoon")

    items = messages.locator("> li")
    texts = items.all_inner_texts()
    new_line = next(i for i, text in enumerate(texts) if text.strip() == "New messages")
    first = next(i for i, text in enumerate(texts) if "Grouped one" in text)
    assert new_line == first - 1, texts
    assert "Today" in [text.strip() for text in texts]
    expect(page.get_by_role("button", name="Jump to first unread")).to_be_visible()

    grouped = messages.locator("li.chat__message", has_text="Grouped")
    expect(grouped).to_have_count(3)
    expect(grouped.nth(0)).not_to_have_class("chat__message chat__message--continued")
    expect(grouped.nth(1)).to_have_class("chat__message chat__message--continued")
    expect(grouped.nth(2)).to_have_class("chat__message chat__message--continued")
    other = messages.locator("li.chat__message", has_text="A different voice")
    expect(other.locator("strong")).to_have_text("Chloé Martin")

    composer = page.get_by_label("Message", exact=True).bounding_box()
    tabbar = page.locator(".topbar__links").bounding_box()
    assert composer["y"] + composer["height"] <= tabbar["y"], (composer, tabbar)
    assert composer["y"] > PHONE["height"] - 330, composer
