"""Moderation in feeds: held and hidden posts and comments, reports from the post page, the
author's mute, the community's filter and slow mode, and the rate limits.

A held or hidden post is seen by its author and the community's moderators only, on every
surface the audience matrix checks, until a moderator approves or unhides it.
"""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from communities import screening
from communities.models import (
    AutoModeration,
    Membership,
    Notification,
    NotificationKind,
    Report,
    WithheldContent,
)
from communities.moderation.services.actions import (
    check_approve_content,
    check_hide_content,
    check_unhide_content,
)
from communities.moderation.services.reports import check_file_report
from communities.screening import Screening, Verdict
from feeds import live
from feeds.crossposting.models import CrossPost, CrossPostStatus, ExternalAccount
from feeds.forms import POST_IMAGE_LIMITS
from feeds.models import Audience, Comment, Post
from feeds.services.comments import check_add_comment, do_add_comment
from feeds.services.posts import check_create_post
from feeds.services.reactions import do_toggle_reaction
from feeds.services.screening import COMMENT_RATE, POST_RATE, REACTION_RATE
from sosoon_site.images import clean_image
from tests.feeds.test_matrix import client_for, surfaces

pytestmark = pytest.mark.django_db

NOBODY_ELSE = ("member", "insider", "close_friend", "outsider", "anonymous")


@pytest.fixture
def hold_casino(community):
    """The community holds anything that mentions a casino for review."""
    return AutoModeration.objects.create(
        community=community, blocked_words="casino", filter_action="hold"
    )


@pytest.fixture
def held_post(hold_casino, author, community, png_upload, member):
    """A community post by the author, held by the filter, with the author's own comment and
    reaction, mentioning a member."""
    post = check_create_post(
        author,
        community,
        body=f"Casino night with wine, @{member.handle}",
        audience=Audience.COMMUNITY,
        images=[clean_image(png_upload(), POST_IMAGE_LIMITS)],
    )
    do_add_comment(author, post, "A note from the author")
    do_toggle_reaction(author, post, "heart")
    return post


@pytest.fixture
def visible_post(author, community, png_upload, member, post_factory):
    post = post_factory(
        body=f"Orange wine for @{member.handle}",
        images=[clean_image(png_upload(), POST_IMAGE_LIMITS)],
    )
    do_add_comment(author, post, "A note from the author")
    do_toggle_reaction(author, post, "heart")
    return post


def assert_seen_only_by(post, request, *, seers, others=NOBODY_ELSE):
    for name in seers:
        seen = surfaces(request.getfixturevalue(name), post)
        assert all(seen.values()), (name, seen)
    for name in others:
        seen = surfaces(request.getfixturevalue(name), post)
        assert not any(seen.values()), (name, seen)


def test_a_held_post_is_seen_by_its_author_and_moderators_only_until_approved(
    held_post, request, member, moderator
):
    assert WithheldContent.objects.filter(target_id=held_post.pk, state="held").exists()
    assert_seen_only_by(held_post, request, seers=("author", "moderator", "owner"))
    # Its mention told nobody (a visible post's mention does: see the hidden-post test).
    assert not Notification.objects.filter(recipient=member).exists()

    check_approve_content(moderator, "post", held_post.pk, reason="Fine")

    assert_seen_only_by(
        held_post, request, seers=("author", "member", "close_friend"), others=("outsider",)
    )


def test_a_held_post_is_announced_to_nobody(
    hold_casino, author, community, member, monkeypatch, django_capture_on_commit_callbacks
):
    pushed = []
    monkeypatch.setattr(live, "push_to_users", lambda users, frame: pushed.append(list(users)))
    with django_capture_on_commit_callbacks(execute=True):
        check_create_post(author, community, body="Casino night", audience=Audience.COMMUNITY)
    assert pushed == []
    with django_capture_on_commit_callbacks(execute=True):
        check_create_post(author, community, body="Wine night", audience=Audience.COMMUNITY)
    assert pushed and member.pk in pushed[0]


def test_the_author_is_told_their_post_is_held(client, hold_casino, author):
    client.force_login(author)
    response = client.post(
        reverse("feeds:compose", kwargs={"slug": "wine"}),
        {"body": "Casino night", "audience": "community"},
        follow=True,
    )
    assert "held for review" in response.text
    assert Post.objects.get().body == "Casino night"


def test_a_hidden_post_disappears_from_every_surface_at_once(
    visible_post, request, member, moderator, close_friend
):
    notified = Notification.objects.filter(recipient=member, kind=NotificationKind.MENTION)
    assert Notification.objects.visible_to(member).filter(pk__in=notified).exists()

    check_file_report(close_friend, label="post", target_id=visible_post.pk, reason="spam")
    check_hide_content(moderator, "post", visible_post.pk, reason="Spam")

    assert_seen_only_by(visible_post, request, seers=("author", "moderator", "owner"))
    assert not Notification.objects.visible_to(member).filter(pk__in=notified).exists()
    handled = Notification.objects.get(recipient=close_friend, kind=NotificationKind.REPORT_HANDLED)
    assert Report.objects.get(pk=handled.target_id).outcome == "It was hidden."

    check_unhide_content(moderator, "post", visible_post.pk, reason="On reflection, fine")
    assert surfaces(member, visible_post)["post_page"]


def test_held_and_hidden_comments_are_left_out_for_everyone_else(
    visible_post, hold_casino, member, insider, moderator, author, client
):
    held = check_add_comment(member, visible_post.pk, "Casino after?")
    assert held.held_reason
    shown = check_add_comment(member, visible_post.pk, "Lovely")

    def seen_by(person) -> set[int]:
        return set(Comment.objects.visible_to(person).values_list("pk", flat=True))

    assert held.pk not in seen_by(insider) and shown.pk in seen_by(insider)
    assert held.pk in seen_by(member) and held.pk in seen_by(moderator)
    page = client_for(insider).get(visible_post.get_absolute_url())
    assert "Casino after?" not in page.text and "2 comments" in page.text
    assert "3 comments" in client_for(moderator).get(visible_post.get_absolute_url()).text
    # Its author was told nothing about a comment nobody else may see yet.
    assert not Notification.objects.filter(recipient=author, target_id=held.pk).exists()

    check_hide_content(moderator, "comment", shown.pk, reason="Off-topic")
    assert shown.pk not in seen_by(insider) and shown.pk in seen_by(member)


def test_new_members_first_posts_and_comments_wait_for_review(
    community, member, moderator, visible_post
):
    AutoModeration.objects.create(community=community, new_member_holds=1)
    first = check_add_comment(member, visible_post.pk, "Hello all")
    post = check_create_post(member, community, body="My first post", audience="community")
    assert first.held_reason and post.held_reason

    check_approve_content(moderator, "comment", first.pk, reason="Welcome")
    assert not check_add_comment(member, visible_post.pk, "Hello again").held_reason


def test_a_blocked_word_is_a_form_error_and_nothing_is_saved(client, community, author):
    AutoModeration.objects.create(
        community=community, blocked_words="casino", filter_action="block"
    )
    client.force_login(author)
    response = client.post(
        reverse("feeds:compose", kwargs={"slug": "wine"}),
        {"body": "Casino night", "audience": "community"},
    )
    assert response.status_code == 400
    assert "does not allow some of the words" in response.text
    assert not Post.objects.exists()


def test_a_screen_registered_with_communities_refuses_posts_as_it_refuses_messages(
    client, monkeypatch, community, author
):
    def no_refunds(user, community, text):
        if "refund" in text.lower():
            return Screening(Verdict.BLOCK, "No refund talk in this community.")
        return Screening(Verdict.ALLOW)

    monkeypatch.setattr(screening, "_screens", [*screening._screens, no_refunds])
    client.force_login(author)
    response = client.post(
        reverse("feeds:compose", kwargs={"slug": "wine"}),
        {"body": "Refund for the corked bottle?", "audience": "community"},
    )
    assert response.status_code == 400
    assert "No refund talk in this community." in response.text
    assert not Post.objects.exists()


def test_a_muted_member_cannot_post_comment_or_react(client, community, member, visible_post):
    Membership.objects.filter(user=member, community=community).update(
        muted_until=timezone.now() + timedelta(hours=1)
    )
    client.force_login(member)

    compose = client.post(
        reverse("feeds:compose", kwargs={"slug": "wine"}),
        {"body": "Hello", "audience": "community"},
    )
    assert compose.status_code == 400 and "You are muted here until" in compose.text
    comment = client.post(
        reverse("feeds:comment", kwargs={"post_id": visible_post.pk}), {"body": "Hi"}, follow=True
    )
    assert "You are muted here until" in comment.text
    react = client.post(
        reverse("feeds:react", kwargs={"post_id": visible_post.pk}), {"emoji": "heart"}
    )
    assert react.status_code == 400 and "You are muted here until" in react.text
    assert Post.objects.count() == 1 and visible_post.comments.count() == 1
    assert visible_post.reactions.count() == 1


@pytest.mark.parametrize(
    ("surface", "budget"), [("posts", 10), ("comments", 20), ("reactions", 30)]
)
def test_past_the_rate_limit_the_friendly_429_page_says_when_to_retry(
    surface, budget, client, member, visible_post
):
    client.force_login(member)

    def act(number):
        if surface == "posts":
            url = reverse("feeds:compose", kwargs={"slug": "wine"})
            return client.post(url, {"body": f"Post {number}", "audience": "community"})
        if surface == "comments":
            url = reverse("feeds:comment", kwargs={"post_id": visible_post.pk})
            return client.post(url, {"body": f"Comment {number}"})
        url = reverse("feeds:react", kwargs={"post_id": visible_post.pk})
        return client.post(url, {"emoji": "heart"})

    started = time.monotonic()
    for number in range(budget):
        assert act(number).status_code == 302
    # The bucket refills as the requests go; on a slow machine a token or two comes back
    # before the budget is spent, and only those may pass.
    bucket = {"posts": POST_RATE, "comments": COMMENT_RATE, "reactions": REACTION_RATE}[surface]
    refilled = int((time.monotonic() - started) * bucket.capacity / bucket.per_seconds) + 1
    for extra in range(refilled + 1):
        refused = act(budget + extra)
        if refused.status_code != 302:
            break
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert "too fast" in refused.text


def test_reporting_a_circle_post_from_its_page_to_the_queue_and_hiding_it(
    client, author, community, close_friends, close_friend, moderator, member, post_factory
):
    post = post_factory(audience=Audience.CIRCLE, circle=close_friends, body="Between us: corks")
    other = post_factory(audience=Audience.CIRCLE, circle=close_friends, body="Also between us")

    client.force_login(author)
    assert 'data-testid="report-post"' not in client.get(post.get_absolute_url()).text
    client.force_login(close_friend)
    page = client.get(post.get_absolute_url())
    report_url = reverse("communities:report", args=["post", post.pk])
    assert report_url in page.text
    form = client.get(report_url)
    assert "Between us: corks" in form.text and "Close friends" in form.text
    sent = client.post(
        report_url, {"reason": "privacy", "note": "Names a friend", "next": post.get_absolute_url()}
    )
    assert sent.status_code == 302

    client.force_login(moderator)
    queue = client.get(reverse("communities:moderation", kwargs={"slug": "wine"}))
    assert "Between us: corks" in queue.text and "Close friends" in queue.text
    assert "Also between us" not in queue.text
    assert client.get(other.get_absolute_url()).status_code == 404

    client.post(
        reverse("communities:moderation_act", kwargs={"slug": "wine"}),
        {"label": "post", "target_id": post.pk, "action": "hide", "reason": "Privacy"},
    )
    client.force_login(close_friend)
    assert client.get(post.get_absolute_url()).status_code == 404
    feed = client.get(reverse("feeds:community", kwargs={"slug": "wine"}))
    assert f'id="post-{post.pk}"' not in feed.text and f'id="post-{other.pk}"' in feed.text
    assert Notification.objects.filter(
        recipient=close_friend, kind=NotificationKind.REPORT_HANDLED
    ).exists()
    assert client_for(member).get(post.get_absolute_url()).status_code == 404


def test_reporting_a_comment_from_the_post_page_and_deleting_it(
    client, visible_post, member, insider, moderator
):
    comment = do_add_comment(member, visible_post, "Buy cheap corks at spam.example")
    client.force_login(insider)
    page = client.get(visible_post.get_absolute_url())
    report_url = reverse("communities:report", args=["comment", comment.pk])
    assert report_url in page.text
    client.post(report_url, {"reason": "spam"})

    client.force_login(moderator)
    queue = client.get(reverse("communities:moderation", kwargs={"slug": "wine"}))
    assert "Buy cheap corks" in queue.text
    client.post(
        reverse("communities:moderation_act", kwargs={"slug": "wine"}),
        {"label": "comment", "target_id": comment.pk, "action": "delete", "reason": "Spam"},
    )
    page = client_for(insider).get(visible_post.get_absolute_url())
    assert "Buy cheap corks" not in page.text and "This comment was removed." in page.text


def test_hiding_a_public_post_cancels_its_pending_crossposts(community, owner, post_factory):
    community.allow_public_teasers = True
    community.save()
    post = post_factory(audience=Audience.PUBLIC, author=owner, body="New vintage Friday")
    account = ExternalAccount(community=community, platform="x", external_id="x-1", handle="wine")
    account.access_token, account.refresh_token = "access", "refresh"
    account.save()
    pending = CrossPost.objects.create(
        post=post,
        account=account,
        created_by=owner,
        text="New vintage Friday",
        scheduled_at=timezone.now() + timedelta(hours=1),
    )
    check_hide_content(owner, "post", post.pk, reason="Wrong price")

    pending.refresh_from_db()
    assert pending.status == CrossPostStatus.CANCELLED
    assert "withheld" in pending.reason
