"""Redis down, through a real daphne: nothing answers 500, nothing half-saves.

Each test runs a Redis of its own and kills it (SIGKILL, the port closes) while daphne runs.
What needs Redis before it may write (the rate limits behind sign-in, posts, comments and
reactions) answers the styled 503 and saves nothing; what only pushes to sockets after the
write (a moderator hiding a post) saves, skips the push and logs it. Marked `postgres`: the
daphne process reads this test's database.
"""

import httpx
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from communities.models import ModerationAction, Notification
from feeds.models import Comment, Post, Reaction
from tests.factories import TEST_PASSWORD
from tests.site.daphne import Site, private_redis, serving
from tests.site.test_socket import session_cookie_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
UNAVAILABLE_TITLE = "<title>Temporarily unavailable · Sosoon</title>"


@pytest.fixture
def redis(tmp_path):
    with private_redis(tmp_path) as running:
        yield running


@pytest.fixture
def site(transactional_db, tmp_path, redis):
    """daphne on this test's database and the private Redis; stops before the flush."""
    with serving(tmp_path, redis_url=redis.url) as running:
        yield running


def signed_in(site: Site, user) -> httpx.Client:
    """An HTTP client with `user`'s session cookie and a CSRF token for forms."""
    name, value = session_cookie_for(user).split("=", 1)
    client = httpx.Client(base_url=site.url(""), cookies={name: value}, timeout=10)
    client.get("/")
    return client


def post_form(client: httpx.Client, path: str, data: dict) -> httpx.Response:
    return client.post(path, data={**data, "csrfmiddlewaretoken": client.cookies["csrftoken"]})


def assert_unavailable_page(response: httpx.Response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert UNAVAILABLE_TITLE in response.text
    assert "Please try again in 30 seconds." in response.text
    # The site's own layout, not a bare error page.
    assert 'class="topbar"' in response.text


def sign_in(site: Site, email: str) -> httpx.Response:
    client = httpx.Client(base_url=site.url(""), timeout=10)
    client.get("/accounts/login/")
    return post_form(client, "/accounts/login/", {"login": email, "password": TEST_PASSWORD})


@pytest.fixture
def person(user_factory):
    """Someone who signs in with a password daphne's own hasher list accepts."""
    made = user_factory(email="rita@example.org", handle="rita")
    hasher = PBKDF2PasswordHasher()
    made.password = hasher.encode(TEST_PASSWORD, hasher.salt())
    made.save(update_fields=["password"])
    return made


def test_sign_in_answers_the_styled_503_while_redis_is_down_and_works_once_it_is_back(
    site, redis, person
):
    redis.kill()
    refused = sign_in(site, person.email)
    assert_unavailable_page(refused)
    assert "sessionid" not in refused.cookies

    redis.start()
    accepted = sign_in(site, person.email)
    assert accepted.status_code == 302
    assert "sessionid" in accepted.cookies


def test_posts_comments_and_reactions_save_nothing_while_redis_is_down(
    site, redis, community, member
):
    client = signed_in(site, member)
    created = post_form(
        client, f"/c/{community.slug}/posts/new/", {"body": "Before", "audience": "community"}
    )
    assert created.status_code == 302
    post = Post.objects.get(author=member)

    redis.kill()
    answers = [
        post_form(
            client, f"/c/{community.slug}/posts/new/", {"body": "During", "audience": "community"}
        ),
        post_form(client, f"/p/{post.pk}/comments/", {"body": "A comment"}),
        post_form(client, f"/p/{post.pk}/react/", {"emoji": "heart"}),
    ]

    for response in answers:
        assert_unavailable_page(response)
    assert list(Post.objects.values_list("body", flat=True)) == ["Before"]
    assert not Comment.objects.exists()
    assert not Reaction.objects.exists()
    assert "Internal Server Error" not in site.output()


def test_a_moderator_hiding_a_post_while_redis_is_down_saves_it_and_skips_the_pushes(
    site, redis, community, member, moderator, insider
):
    client = signed_in(site, member)
    post_form(client, f"/c/{community.slug}/posts/new/", {"body": "Spam", "audience": "community"})
    post = Post.objects.get(author=member)
    moderating, reading = signed_in(site, moderator), signed_in(site, insider)
    assert reading.get(f"/p/{post.pk}/").status_code == 200

    redis.kill()
    response = post_form(
        moderating,
        f"/c/{community.slug}/moderation/act/",
        {"label": "post", "target_id": post.pk, "action": "hide", "reason": "Off topic"},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"/c/{community.slug}/moderation/"
    assert reading.get(f"/p/{post.pk}/").status_code == 404
    assert ModerationAction.objects.filter(action="hide", target_id=post.pk).exists()
    assert Notification.objects.filter(recipient=member, kind="moderation").exists()
    assert "A socket push failed; clients catch up from the database." in site.output()


def test_health_check_reports_redis_down_with_503(site, redis):
    assert httpx.get(site.url("/healthz")).json()["redis"] == "ok"

    redis.kill()
    response = httpx.get(site.url("/healthz"), timeout=10)

    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"], body["redis"]) == ("unavailable", "ok", "unavailable")
    # No cluster has run against this database: the worker's state is unknown, not down.
    assert body["qcluster"]["state"] == "unknown"
