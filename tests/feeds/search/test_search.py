"""Search across communities (/search/): posts through the audience policy, people who share
a community, chat rooms and messages through chat's rules; bad searches re-render with what
to type instead."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.chat import services as chat
from communities.models import ChatRoom, Membership
from feeds.models import Audience
from feeds.search.results import SEARCHES
from feeds.services.posts import do_remove_post
from sosoon_site.accounts.blocks import do_block
from tests.factories import add_member, create_community


def search(client, viewer, query, **params):
    client.force_login(viewer)
    return client.get("/search/", {"q": query, **params})


def test_posts_match_every_word_even_by_their_beginning(client, member, post_factory):
    tasting = post_factory(body="Orange wine tasting on Friday at the cellar")
    post_factory(body="A red from the Jura, no tasting notes")
    page = search(client, member, "tast FRIDAY")
    assert page.status_code == 200
    assert [post.pk for post in page.context["page"].posts] == [tasting.pk]
    assert b"Orange wine tasting on Friday" in page.content
    assert b"<title>Search \xe2\x80\x9ctast FRIDAY\xe2\x80\x9d" in page.content


def test_posts_the_policy_hides_are_never_found(
    client, community, member, insider, close_friend, close_friends, post_factory
):
    insider_tier = community.tiers.get(name="Insider")
    open_post = post_factory(body="Spring release tasting for everyone")
    tier_post = post_factory(
        body="Spring release tasting, Insiders first", audience=Audience.TIER, min_tier=insider_tier
    )
    circle_post = post_factory(
        body="Spring release tasting, close friends",
        audience=Audience.CIRCLE,
        circle=close_friends,
    )
    do_remove_post(post_factory(body="Spring release tasting, removed"))
    elsewhere = create_community(name="Elsewhere", slug="elsewhere")
    post_factory(
        body="Spring release tasting elsewhere",
        community=elsewhere,
        author=add_member(elsewhere).user,
    )

    def found(viewer):
        return {post.pk for post in search(client, viewer, "spring tasting").context["page"].posts}

    assert found(member) == {open_post.pk}
    assert found(insider) == {open_post.pk, tier_post.pk}
    assert found(close_friend) == {open_post.pk, circle_post.pk}


def test_people_are_found_only_through_a_shared_community_and_not_across_a_block(
    client, community, member, user_factory
):
    neighbour = add_member(community, user_factory(handle="rosa", display_name="Rosa Vine")).user
    add_member(community, user_factory(handle="rosalind", display_name="Rosalind Blocker"))
    blocker = Membership.objects.get(user__handle="rosalind").user
    do_block(blocker, member)
    stranger = user_factory(handle="rosamund", display_name="Rosamund Stranger")
    add_member(create_community(slug="far"), stranger)

    page = search(client, member, "ros")
    assert page.context["found"].people == [neighbour]
    assert b"Rosa Vine" in page.content
    assert b"Rosalind" not in page.content and b"Rosamund" not in page.content


def test_rooms_and_messages_follow_chat_rules(client, community, owner, member, insider):
    general = ChatRoom.objects.get(community=community, name="general")
    cellar = chat.check_create_room(
        Membership.objects.get(user=owner, community=community),
        community,
        name="cellar-tastings",
        minimum_tier=community.tiers.get(name="Insider"),
    )
    chat.check_send_message(insider, general.pk, "Who brings the amphora tonight?")
    chat.check_send_message(insider, cellar.pk, "The amphora cuvée is for Insiders only")
    direct = chat.check_open_direct_room(owner, insider.handle)
    chat.check_send_message(owner, direct.pk, "Your amphora bottle is ready")

    member_page = search(client, member, "amphora")
    assert [m.body for m in member_page.context["found"].messages] == [
        "Who brings the amphora tonight?"
    ]
    assert b"Insiders only" not in member_page.content
    assert b"bottle is ready" not in member_page.content
    assert search(client, member, "cellar").context["found"].rooms == []

    insider_page = search(client, insider, "amphora")
    assert len(insider_page.context["found"].messages) == 3
    assert b"your conversation with Olga Owner" in insider_page.content
    assert search(client, insider, "cellar").context["found"].rooms == [cellar]


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("a", "at least 2 characters"),
        ("!?", "Search for a word"),
        ("w" * 201, "at most 200 characters"),
        ("wine\x00", "Search for some text"),
    ],
)
def test_a_bad_search_says_what_to_type_instead(client, member, post_factory, query, says):
    post_factory(body="wine wine wine")
    page = search(client, member, query)
    assert page.status_code == 200
    assert says in page.content.decode()
    assert "page" not in page.context and "found" not in page.context


def test_an_empty_search_shows_the_form_only(client, member):
    client.force_login(member)
    page = client.get("/search/")
    assert page.status_code == 200
    assert b'role="search"' in page.content and b"errorlist" not in page.content


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/search/", {"q": "wine"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_searching_too_fast_answers_429_with_when_to_try_again(client, member):
    assert search(client, member, "wine").status_code == 200
    # Spend the rest of the bucket at once: a loaded machine may take longer per request
    # than the bucket takes to refill one token.
    while SEARCHES.take(member.pk).allowed:
        pass
    refused = client.get("/search/", {"q": "wine"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1


def test_posts_page_on_like_a_feed(client, member, post_factory, settings):
    settings.SOSOON_FEED_PAGE_SIZE = 2
    made = [post_factory(body=f"Harvest diary day {day}") for day in range(5)]
    first = search(client, member, "harvest")
    assert [p.pk for p in first.context["page"].posts] == [made[4].pk, made[3].pk]
    cursor = first.context["page"].next_cursor
    more = client.get("/search/", {"q": "harvest", "after": cursor}, headers={"HX-Request": "true"})
    assert [p.pk for p in more.context["page"].posts] == [made[2].pk, made[1].pk]
    assert b"<html" not in more.content
    assert b"Harvest diary day 2" in more.content


def test_a_search_costs_the_same_queries_whatever_it_finds(
    client, community, member, insider, post_factory, user_factory
):
    general = ChatRoom.objects.get(community=community, name="general")
    client.force_login(member)
    post_factory(body="One bottle of pet-nat")
    chat.check_send_message(insider, general.pk, "pet-nat please")
    client.get("/search/", {"q": "pet"})
    SEARCHES.reset(member.pk)
    with CaptureQueriesContext(connection) as few:
        client.get("/search/", {"q": "pet"})
    for number in range(6):
        post_factory(body=f"Pet-nat number {number}")
        chat.check_send_message(insider, general.pk, f"pet-nat {number}")
        add_member(community, user_factory(handle=f"petra{number}"))
    SEARCHES.reset(member.pk)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/search/", {"q": "pet"})
    found = page.context["found"]
    petras = [person for person in found.people if person.handle.startswith("petra")]
    assert (len(page.context["page"].posts), len(found.messages), len(petras)) == (7, 7, 6)
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.postgres
def test_postgresql_answers_the_words_from_the_text_index(member, post_factory):
    from feeds.feed import home_posts
    from sosoon_site.text_search import HasWords

    post_factory(body="Skin contact and long macerations")
    sql, params = (
        home_posts(member).filter(HasWords("body", ["macer"])).values("pk").query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "feeds_post_body_words" in plan
