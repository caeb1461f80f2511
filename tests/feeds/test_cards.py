"""Post cards: the links and times the card's template tags build match what Django's own
`reverse` and `|date` would have given, for a signed-in member and a visitor alike."""

import pytest
from django.urls import reverse, set_script_prefix
from django.utils import timezone, translation
from django.utils.dateformat import format as format_date

from feeds.models import Audience
from feeds.services.posts import do_create_post
from feeds.services.reactions import do_toggle_reaction
from feeds.templatetags.feed_tags import _card_time, card_url
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
    created = timezone.localtime(post.created)
    assert f'href="{reverse("feeds:person", kwargs={"handle": post.author.handle})}"' in page
    assert f'href="{reverse("feeds:community", kwargs={"slug": post.community.slug})}"' in page
    assert f'href="{post.get_absolute_url()}#comments"' in page
    assert f'action="{reverse("feeds:react", kwargs={"post_id": post.pk})}"' in page
    assert (
        f'<time datetime="{created.isoformat()}">{format_date(created, "j M Y, H:i")}</time>'
        in page
    )


def test_a_card_names_the_month_in_the_language_in_use():
    moment = timezone.localtime(timezone.now().replace(month=3))
    # Each language in turn, then the first again: the names are kept per language.
    for language in ("bg", "en", "bg"):
        with translation.override(language):
            assert _card_time(moment) == format_date(moment, "j M Y, H:i")


def test_a_visitor_sees_counts_not_buttons(client, listed_community, user_factory):
    listed_community.allow_public_teasers = True
    listed_community.save(update_fields=["allow_public_teasers"])
    writer = add_member(listed_community, user_factory(handle="writer")).user
    post = do_create_post(writer, listed_community, body="Open to all", audience=Audience.PUBLIC)
    do_toggle_reaction(writer, post, "heart")
    page = client.get(reverse("feeds:post", kwargs={"post_id": post.pk})).content.decode()
    assert '<span class="reaction">❤️ <span>1</span></span>' in page
    assert "reactions__form" not in page
