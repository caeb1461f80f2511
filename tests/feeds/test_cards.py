"""Post cards: the links the card's template tags build match what Django's own `reverse`
would have given, and the time is the one every page shows (sosoon_site.moments), for a
signed-in member and a visitor alike."""

import pytest
from django.urls import reverse, set_script_prefix
from django.utils import timezone, translation
from django.utils.dateformat import format as format_date

from feeds.models import Audience
from feeds.services.posts import do_create_post
from feeds.services.reactions import do_toggle_reaction
from feeds.templatetags.feed_tags import card_url
from sosoon_site.moments import moment_html, moment_text
from tests.factories import add_member


@pytest.mark.parametrize(
    ("name", "kwarg", "value"),
    [
        ("feeds:post", "post_id", 7),
        ("feeds:react", "post_id", 1234567),
        ("feeds:reactions", "post_id", 42),
        ("feeds:person", "handle", "ava_author"),
        ("feeds:community", "slug", "natural-wine-club"),
    ],
)
def test_card_links_are_what_reverse_gives(name, kwarg, value):
    assert card_url(name, kwarg, value) == reverse(name, kwargs={kwarg: value})


def test_card_links_follow_the_script_prefix():
    set_script_prefix("/sosoon/")
    try:
        assert card_url("feeds:post", "post_id", 3) == "/sosoon/p/3/"
    finally:
        set_script_prefix("/")


def test_a_card_shows_the_links_and_time_of_the_post(client, member, post_factory):
    post = post_factory(body="A card")
    client.force_login(member)
    page = client.get("/").content.decode()
    assert f'href="{reverse("feeds:person", kwargs={"handle": post.author.handle})}"' in page
    assert f'href="{reverse("feeds:community", kwargs={"slug": post.community.slug})}"' in page
    assert f'href="{post.get_absolute_url()}#comments"' in page
    assert f'action="{reverse("feeds:react", kwargs={"post_id": post.pk})}"' in page
    assert f"{moment_html(post.created)}</a>" in page
    assert ">just now</time>" in page


def test_a_card_names_the_month_in_the_language_in_use():
    now = timezone.now().replace(year=2026, month=6, day=15)
    moment = now.replace(month=3)
    # Each language in turn, then the first again: the names are kept per language.
    for language in ("bg", "en", "bg"):
        with translation.override(language):
            assert moment_text(moment, now=now) == format_date(moment, "j M")


def test_a_visitor_sees_counts_not_buttons(client, listed_community, user_factory):
    listed_community.allow_public_teasers = True
    listed_community.save(update_fields=["allow_public_teasers"])
    writer = add_member(listed_community, user_factory(handle="writer")).user
    post = do_create_post(writer, listed_community, body="Open to all", audience=Audience.PUBLIC)
    do_toggle_reaction(writer, post, "heart")
    page = client.get(reverse("feeds:post", kwargs={"post_id": post.pk})).content.decode()
    assert '<span class="reaction">❤️ <span>1</span></span>' in page
    assert "reactions__form" not in page
