"""The composer as a member meets it: one line until opened, then one list in words of whom
the post may reach, with the live "Visible to N people" sentence; and cards with faces."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feeds.models import Audience, Circle, Post
from tests.factories import add_member

FEED = reverse("feeds:community", kwargs={"slug": "wine"})
COMPOSE = reverse("feeds:compose", kwargs={"slug": "wine"})
AUDIENCE = reverse("feeds:audience", kwargs={"slug": "wine"})


def choices_on(page: str) -> list[str]:
    """The audience control's options, as the member reads them."""
    control = page.split('data-testid="audience-choice"')[1].split("</fieldset>")[0]
    return [label.strip() for label in re.findall(r"<input[^>]*>\s*([^<]+)</label>", control)]


def checked_on(page: str) -> str:
    """The value of the audience option that starts chosen."""
    return re.search(r'<input type="radio" name="audience" value="([^"]+)"[^>]* checked>', page)[1]


def test_the_audience_is_one_list_in_words(client, author, close_friends):
    Circle.objects.create(owner=author, name="Tasting group")
    client.force_login(author)

    page = client.get(FEED).text

    assert choices_on(page) == [
        "Everyone in Natural Wine Club",
        "Insider and above",
        "Close friends",
        "Tasting group",
    ]
    assert "---------" not in page
    assert "Lowest tier" not in page
    assert checked_on(page) == "community"
    assert "Visible to 2 members of Natural Wine Club" in page


def test_a_public_teaser_is_offered_only_where_the_community_allows_it(
    client, listed_community, user_factory
):
    writer = add_member(listed_community, user_factory(handle="writer")).user
    client.force_login(writer)
    slug = {"slug": listed_community.slug}
    assert "Public teaser" not in choices_on(
        client.get(reverse("feeds:community", kwargs=slug)).text
    )

    listed_community.allow_public_teasers = True
    listed_community.save(update_fields=["allow_public_teasers"])

    offered = choices_on(client.get(reverse("feeds:community", kwargs=slug)).text)
    assert offered[0] == "Everyone in Vintage Synth Makers" and offered[-1] == "Public teaser"


def test_nobody_is_offered_someone_elses_circle(client, author, member):
    Circle.objects.create(owner=member, name="Member's secret list")
    client.force_login(author)

    assert "Member's secret list" not in client.get(FEED).text


@pytest.mark.parametrize("chosen", ["tier", "circle"])
def test_each_choice_posts_to_the_audience_it_names(
    client, author, community, close_friends, chosen
):
    insider = community.tiers.get(name="Insider")
    value = f"tier:{insider.pk}" if chosen == "tier" else f"circle:{close_friends.pk}"
    client.force_login(author)

    response = client.post(COMPOSE, {"body": "Allocation list", "audience": value})

    post = Post.objects.get()
    assert response.status_code == 302
    assert post.audience == chosen
    assert (post.min_tier, post.circle) == (
        (insider, None) if chosen == "tier" else (None, close_friends)
    )


def test_the_live_sentence_follows_the_one_control(client, author, close_friend, close_friends):
    client.force_login(author)

    line = client.get(AUDIENCE, {"audience": f"circle:{close_friends.pk}"}, HTTP_HX_REQUEST="true")

    assert (
        "Visible to 2 people in Natural Wine Club: you and the people of Close friends there"
        in line.text
    )
    unknown = client.get(AUDIENCE, {"audience": "circle:999999"}, HTTP_HX_REQUEST="true")
    assert "Visible to 3 members of Natural Wine Club" in unknown.text, "the default: everyone"


def test_the_composer_is_one_line_until_opened_without_javascript(client, author):
    client.force_login(author)

    feed = client.get(FEED).text
    own_page = client.get(COMPOSE).text
    refused = client.post(COMPOSE, {"body": "   ", "audience": "community"})

    assert '<details class="composer card" data-testid="composer-box">' in feed
    assert "Write a post in Natural Wine Club…</summary>" in feed
    assert '<details class="composer card" data-testid="composer-box" open>' in own_page
    assert refused.status_code == 400
    assert '<details class="composer card" data-testid="composer-box" open>' in refused.text
    assert "Write something or add an image." in refused.text


def test_a_refused_post_keeps_its_chosen_audience(client, author, close_friends):
    client.force_login(author)

    refused = client.post(COMPOSE, {"body": "  ", "audience": f"circle:{close_friends.pk}"})

    assert checked_on(refused.text) == f"circle:{close_friends.pk}"
    assert "you and the people of Close friends there" in refused.text


def test_editing_starts_from_the_posts_own_choice(client, author, community, post_factory):
    insider = community.tiers.get(name="Insider")
    post = post_factory(audience=Audience.TIER, min_tier=insider)
    client.force_login(author)

    page = client.get(reverse("feeds:edit", kwargs={"post_id": post.pk})).text

    assert checked_on(page) == f"tier:{insider.pk}"
    assert "Visible to" in page and "at Insider or above" in page


def test_a_post_for_the_lowest_tier_keeps_its_choice_when_edited(
    client, author, community, post_factory
):
    lowest = community.tiers.order_by("rank").first()
    post = post_factory(audience=Audience.TIER, min_tier=lowest)
    client.force_login(author)
    url = reverse("feeds:edit", kwargs={"post_id": post.pk})

    page = client.get(url).text
    saved = client.post(url, {"body": "Edited", "audience": f"tier:{lowest.pk}"})

    assert checked_on(page) == f"tier:{lowest.pk}"
    assert f"{lowest.name} and above" in choices_on(page)
    assert f"{lowest.name} and above" not in choices_on(client.get(FEED).text)
    assert saved.status_code == 302
    post.refresh_from_db()
    assert (post.audience, post.min_tier) == (Audience.TIER, lowest)


def test_cards_show_the_authors_and_the_communitys_faces(
    client, author, community, member, post_factory, png_upload
):
    post_factory(body="No picture yet")
    community.avatar = SimpleUploadedFile("club.png", png_upload().read(), "image/png")
    community.save(update_fields=["avatar"])
    client.force_login(member)

    page = client.get("/").text

    card = page.split('data-testid="post"')[1].split("</article>")[0]
    assert f'aria-hidden="true">{author.name[0].upper()}</span>' in card
    assert f'<img class="avatar avatar--small" src="{community.avatar.url}" alt=""' in card
