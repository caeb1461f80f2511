"""Posts, comments and chat show Markdown the same way: one renderer, chat a smaller subset."""

import pytest

from communities.chat import services as chat
from communities.chat.models import ChatRoom
from feeds.services.posts import do_create_post
from sosoon_site.rendering import plain_text


@pytest.fixture
def general(community):
    return ChatRoom.objects.get(community=community, name="general")


@pytest.fixture
def post_factory(community, member):
    return lambda body: do_create_post(member, community, body=body, audience="community")


def test_a_chat_mention_links_to_the_person_like_a_post_mention_does(
    general, member, insider, post_factory
):
    message = chat.check_send_message(
        member, general.pk, f"ask @{insider.handle}, not @nobody_here"
    )
    post = post_factory(f"ask @{insider.handle}, not @nobody_here")
    link = f'href="/people/{insider.handle}/"'
    assert link in message.html and link in post.body_html
    assert "@nobody_here" in message.html and "/people/nobody_here/" not in message.html


def test_chat_keeps_line_breaks_and_leaves_out_headings_posts_keep(general, member, post_factory):
    text = "### Tasting notes\nfirst line\nsecond line"
    message = chat.check_send_message(member, general.pk, text)
    post = post_factory(text)
    assert "<h3>" not in message.html and "first line<br" in message.html
    assert "<h3>Tasting notes</h3>" in post.body_html


@pytest.mark.parametrize("body", ["[x](javascript:alert(1))", "<script>alert(1)</script>"])
def test_unsafe_markup_is_dropped_from_chat_and_posts_alike(general, member, post_factory, body):
    message = chat.check_send_message(member, general.pk, body)
    post = post_factory(body)
    for html in (message.html, post.body_html):
        assert "javascript:" not in html and "<script" not in html


def test_a_handle_in_code_is_not_a_mention(general, member, insider, post_factory):
    message = chat.check_send_message(member, general.pk, f"type `@{insider.handle}` to mention")
    assert "/people/" not in message.html


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("# Big **news**", "Big news"),
        ("First.\n\nSecond, [a link](https://x.test).", "First. Second, a link."),
        ("- one\n- two\n\n> said", "one two said"),
        ("Tom &amp; Jerry <b>bold</b> `x < y`", "Tom & Jerry bold x < y"),
    ],
)
def test_plain_text_is_what_a_reader_sees_without_markup(post_factory, body, text):
    assert plain_text(post_factory(body).body_html) == text


def test_plain_text_is_cut_to_its_limit(post_factory):
    assert plain_text(post_factory("word " * 40).body_html, limit=20) == "word word word word…"
