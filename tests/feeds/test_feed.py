"""Home and community feeds: keyset pages, the Top order, infinite scroll, query counts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feeds.feed import LATEST, TOP, feed_page, home_source
from feeds.forms import POST_IMAGE_LIMITS
from feeds.models import Audience, CircleMember, Post, Reaction
from feeds.services.circles import close_friends_of
from feeds.services.comments import do_add_comment
from feeds.services.posts import do_create_post
from feeds.services.reactions import do_toggle_reaction
from sosoon_site.images import clean_image
from tests.factories import add_member, create_community


def ids(page) -> list[int]:
    return [post.pk for post in page.posts]


def test_signed_out_visitors_get_the_landing_page(client):
    response = client.get("/")
    assert "Ask a member for an invitation link" in response.text
    assert 'data-testid="welcome-name"' not in response.text


def test_the_home_feed_greets_and_lists_my_communities_posts(
    client, member, post_factory, user_factory
):
    elsewhere = create_community(name="Elsewhere", slug="elsewhere")
    stranger_post = Post.objects.create(
        community=elsewhere, author=elsewhere.owner, body="not mine"
    )
    mine = post_factory(body="For the club")
    client.force_login(member)
    page = client.get("/")
    assert f'data-testid="welcome-name">{member.name}<' in page.text
    assert f'id="post-{mine.pk}"' in page.text
    assert f'id="post-{stranger_post.pk}"' not in page.text


def test_latest_pages_by_keyset_without_gaps_or_repeats(member, post_factory, settings):
    settings.SOSOON_FEED_PAGE_SIZE = 3
    start = timezone.now()
    made = [post_factory(body=f"post {n}") for n in range(8)]
    # Two posts share a timestamp: the id breaks the tie.
    Post.objects.filter(pk__in=[made[3].pk, made[4].pk]).update(created=start)
    seen, cursor = [], ""
    while True:
        page = feed_page(home_source(), member, order=LATEST, cursor=cursor)
        seen += ids(page)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(post.pk for post in made)
    assert len(seen) == len(set(seen))
    expected = list(Post.objects.order_by("-created", "-id").values_list("pk", flat=True))
    assert seen == expected


def test_a_bad_cursor_means_the_first_page(member, post_factory):
    post = post_factory()
    for cursor in ["garbage", "!!!", "MjAyNHxub3Q="]:
        assert ids(feed_page(home_source(), member, order=LATEST, cursor=cursor)) == [post.pk]
        assert ids(feed_page(home_source(), member, order=TOP, cursor=cursor)) == [post.pk]


def test_latest_uses_no_offset(member, post_factory, settings, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.SOSOON_FEED_PAGE_SIZE = 2
    for n in range(5):
        post_factory(body=f"post {n}")
    first = feed_page(home_source(), member, order=LATEST)
    with CaptureQueriesContext(connection) as queries:
        feed_page(home_source(), member, order=LATEST, cursor=first.next_cursor)
    assert not any("OFFSET" in query["sql"].upper() for query in queries)


def test_top_favours_engagement_and_authors_i_interact_with(
    member, author, insider, post_factory, community
):
    now = timezone.now()
    quiet = post_factory(body="quiet")
    busy = post_factory(body="busy", author=insider)
    for person in (member, author):
        do_toggle_reaction(person, busy, "heart")
    do_add_comment(author, busy, "nice")
    Post.objects.filter(pk__in=[quiet.pk, busy.pk]).update(created=now - timedelta(hours=1))
    page = feed_page(home_source(), member, order=TOP)
    assert ids(page).index(busy.pk) < ids(page).index(quiet.pk)

    friend_post = post_factory(body="from an author I like", author=author)
    other = post_factory(body="from someone else", author=insider)
    Post.objects.filter(pk__in=[friend_post.pk, other.pk]).update(created=now - timedelta(hours=2))
    for n in range(5):
        older = post_factory(body=f"old {n}", author=author)
        Reaction.objects.create(post=older, user=member, emoji="clap")
    page = feed_page(home_source(), member, order=TOP)
    assert ids(page).index(friend_post.pk) < ids(page).index(other.pk)


def test_top_pages_cover_the_window_once(member, post_factory, settings):
    settings.SOSOON_FEED_PAGE_SIZE = 4
    made = [post_factory(body=f"post {n}") for n in range(10)]
    for post in made[::3]:
        do_toggle_reaction(member, post, "wow")
    seen, cursor = [], ""
    while True:
        page = feed_page(home_source(), member, order=TOP, cursor=cursor)
        seen += ids(page)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(post.pk for post in made)


def test_infinite_scroll_gets_the_next_cards_only(client, member, post_factory, settings):
    settings.SOSOON_FEED_PAGE_SIZE = 2
    for n in range(3):
        post_factory(body=f"post {n}")
    client.force_login(member)
    first = client.get("/")
    assert 'hx-trigger="revealed"' in first.text
    cursor = first.context["page"].next_cursor
    more = client.get("/", {"after": cursor}, HTTP_HX_REQUEST="true")
    assert "<html" not in more.text and more.text.count('data-testid="post"') == 1
    plain = client.get("/", {"after": cursor})
    assert "<html" in plain.text and plain.text.count('data-testid="post"') == 1


def make_busy_feed(community, count: int, *, viewer, image):
    """`count` posts with comments and reactions, and among them every kind of card `viewer`
    may see: a tier post, a close-friends post, a pinned and edited one, one with an image."""
    people = [add_member(community).user for _ in range(3)]
    CircleMember.objects.create(circle=close_friends_of(people[0]), user=viewer)
    kinds = [
        {},
        {"audience": Audience.TIER, "min_tier": community.tiers.get(name="Insider")},
        {"audience": Audience.CIRCLE, "circle": close_friends_of(people[0])},
        {"pinned_at": timezone.now(), "edited": timezone.now()},
    ]
    for n in range(count):
        fields = kinds[n % len(kinds)]
        author = people[0] if fields.get("audience") == Audience.CIRCLE else people[n % 3]
        post = Post.objects.create(community=community, author=author, body=f"post {n}", **fields)
        Reaction.objects.create(post=post, user=people[(n + 1) % 3], emoji="heart")
        do_add_comment(people[(n + 2) % 3], post, "a comment")
    pictured = do_create_post(
        people[1], community, body="A picture", audience="community", images=[image]
    )
    for person in people:
        Reaction.objects.create(post=pictured, user=person, emoji="heart")
    return people


@pytest.mark.parametrize(
    "order, kept", [(LATEST, False), (TOP, False), (TOP, True)], ids=["latest", "top", "top-kept"]
)
@pytest.mark.parametrize("size", [5, 20])
def test_the_home_feed_costs_a_constant_number_of_queries(
    client,
    insider,
    community,
    settings,
    django_assert_max_num_queries,
    order,
    kept,
    size,
    png_upload,
):
    image = clean_image(png_upload(), POST_IMAGE_LIMITS)
    make_busy_feed(community, 25, viewer=insider, image=image)
    settings.SOSOON_FEED_PAGE_SIZE = size
    client.force_login(insider)
    if kept:
        # A reload within the minute reads the kept ranking (feeds/kept_rankings.py).
        settings.SOSOON_TOP_RANKING_SECONDS = 60
        client.get("/", {"order": order})
    # Session, user, the two top-bar badges, my upcoming events, and the feed's own reads.
    with django_assert_max_num_queries(9):
        response = client.get("/", {"order": order})
    assert response.text.count('data-testid="post"') == size
    if size == 20:
        for shown in ("Insider+", "Close friends", "Pinned", "· edited", "<img"):
            assert shown in response.text


def test_search_finds_only_posts_the_viewer_may_see(
    client, member, insider, community, post_factory
):
    open_post = post_factory(body="Orange wine tasting")
    tier_post = post_factory(
        body="Orange wine allocation",
        audience=Audience.TIER,
        min_tier=community.tiers.get(name="Insider"),
    )
    post_factory(body="Something else")
    url = reverse("feeds:community", kwargs={"slug": "wine"})
    client.force_login(member)
    page = client.get(url, {"q": "orange"})
    assert f'id="post-{open_post.pk}"' in page.text and f'id="post-{tier_post.pk}"' not in page.text
    assert page.text.count('data-testid="post"') == 1
    client.force_login(insider)
    assert client.get(url, {"q": "orange"}).text.count('data-testid="post"') == 2


def test_community_search_matches_every_word_in_any_order(client, member, post_factory):
    """Words as /search/ reads them: "wine orange" finds "Orange wine", punctuation aside."""
    both = post_factory(body="Orange wine, tasting notes")
    post_factory(body="Orange juice")
    client.force_login(member)
    page = client.get(reverse("feeds:community", kwargs={"slug": "wine"}), {"q": "wine, orange!"})
    assert page.text.count('data-testid="post"') == 1
    assert f'id="post-{both.pk}"' in page.text
    assert "Posts matching" in page.text


@pytest.mark.parametrize(
    ("typed", "said"),
    [("o", "at least 2 characters"), ("?!", "letters or digits"), ("w" * 201, "at most 200")],
)
def test_community_search_says_what_to_type_and_keeps_the_feed(
    client, member, post_factory, typed, said
):
    post_factory(body="Orange wine tasting")
    client.force_login(member)
    page = client.get(reverse("feeds:community", kwargs={"slug": "wine"}), {"q": typed})
    assert page.status_code == 200
    assert said in page.text
    assert 'aria-invalid="true"' in page.text
    assert page.text.count('data-testid="post"') == 1, "the feed is shown unsearched"


def test_community_feed_is_404_for_outsiders_of_an_unlisted_community(client, outsider, anonymous):
    url = reverse("feeds:community", kwargs={"slug": "wine"})
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_a_card_has_one_reaction_form_whose_buttons_send_their_emoji(
    client, member, author, post_factory
):
    post = post_factory()
    do_toggle_reaction(author, post, "heart")
    do_toggle_reaction(member, post, "heart")
    do_toggle_reaction(author, post, "wow")
    client.force_login(member)
    page = client.get("/").text
    react = reverse("feeds:react", kwargs={"post_id": post.pk})
    assert page.count(f'action="{react}"') == 1
    assert page.count('name="emoji"') == 5
    assert (
        'value="heart" class="reaction reaction--mine" aria-pressed="true" title="heart">'
        "❤️ <span>2</span></button>" in page
    )
    assert 'value="wow" class="reaction" aria-pressed="false" title="wow">😮 <span>1</span>' in page
    assert 'value="clap" class="reaction" aria-pressed="false" title="clap">👏</button>' in page
    # The pressed button's emoji is what the form sends, with or without htmx.
    client.post(react, {"emoji": "wow", "next": "/"})
    assert Reaction.objects.filter(post=post, user=member, emoji="wow").exists()


def test_the_engagement_union_is_unordered_whatever_the_models_default_ordering(
    member, post_factory
):
    """Comment and Reaction order themselves by (created, id), columns the union's parts do not
    select: an ORDER BY from a model's Meta in any part, or on the whole union (Django 6 puts
    the first part's there), is an error on PostgreSQL ("ORDER BY term does not match any
    column"). Each part compiled alone shows what it would carry into the union."""
    from django.db import connection

    from feeds.feed import _engagement_query

    post = post_factory(body="Orange wines")
    do_add_comment(member, post, "Yes please")
    do_toggle_reaction(member, post, "heart")
    union = _engagement_query(member, [post.pk], timezone.now() - timedelta(days=1))
    parts = union.query.combined_queries
    assert len(parts) == 5
    for part in parts:
        sql, _ = part.get_compiler(connection=connection).as_sql()
        assert "ORDER BY" not in sql
    assert not union.query.default_ordering and not union.query.order_by
    assert "ORDER BY" not in str(union.query)
    assert sorted(row[0] for row in union) == ["affinity", "affinity", "comments", "reactions"]
