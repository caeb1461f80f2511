"""Removing a post or comment from its page: the author at once; a moderator through the same
moderation service as the queue (a reason, an audit row, a notice to the author)."""

import pytest
from django.urls import reverse

from communities.models import ActionKind, ModerationAction, Notification, NotificationKind
from feeds.models import Comment, Post
from feeds.services.comments import do_add_comment

pytestmark = pytest.mark.django_db


def remove_post(client, post, **data):
    return client.post(reverse("feeds:remove", kwargs={"post_id": post.pk}), data)


def remove_comment(client, comment, **data):
    return client.post(reverse("feeds:remove_comment", kwargs={"comment_id": comment.pk}), data)


def notices_for(user) -> list[str]:
    """The reasons of the moderation notices `user` has."""
    ids = Notification.objects.filter(recipient=user, kind=NotificationKind.MODERATION).values(
        "target_id"
    )
    return list(ModerationAction.objects.filter(pk__in=ids).values_list("reason", flat=True))


@pytest.mark.parametrize("remover", ["moderator", "owner"])
def test_a_moderator_removing_a_post_gives_a_reason_the_author_reads_and_the_log_keeps(
    request, client, author, post_factory, remover
):
    actor = request.getfixturevalue(remover)
    post = post_factory(body="Cheap watches")
    client.force_login(actor)

    page = client.get(reverse("feeds:remove", kwargs={"post_id": post.pk}))
    assert page.status_code == 200 and 'name="reason"' in page.text

    refused = remove_post(client, post, reason="  ")
    assert refused.status_code == 400
    assert "Give a reason; the person affected will read it." in refused.text
    assert not Post.objects.get(pk=post.pk).is_removed
    assert not ModerationAction.objects.exists() and notices_for(author) == []

    assert remove_post(client, post, reason="Advertising").status_code == 302
    assert Post.objects.get(pk=post.pk).is_removed
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.actor, entry.subject, entry.target_label, entry.target_id) == (
        ActionKind.DELETE,
        actor,
        author,
        "post",
        post.pk,
    )
    assert entry.before["snapshot"]["text"] == "Cheap watches"
    assert notices_for(author) == ["Advertising"]


def test_the_author_removes_their_own_post_without_a_reason_or_a_log_entry(
    client, author, post_factory
):
    post = post_factory()
    client.force_login(author)
    assert remove_post(client, post).status_code == 302
    assert Post.objects.get(pk=post.pk).is_removed
    assert not ModerationAction.objects.exists()


@pytest.mark.parametrize(("viewer", "status"), [("member", 403), ("outsider", 404)])
def test_others_cannot_remove_a_post_or_see_its_removal_form(
    request, client, post_factory, viewer, status
):
    post = post_factory()
    client.force_login(request.getfixturevalue(viewer))
    assert client.get(reverse("feeds:remove", kwargs={"post_id": post.pk})).status_code == status
    assert remove_post(client, post, reason="Because").status_code == status
    assert not Post.objects.get(pk=post.pk).is_removed
    assert not ModerationAction.objects.exists()


def test_a_moderator_removing_a_comment_gives_a_reason_the_author_reads(
    client, moderator, member, post_factory
):
    comment = do_add_comment(member, post_factory(), "You are all idiots")
    client.force_login(moderator)

    refused = remove_comment(client, comment)
    assert refused.status_code == 400 and "Give a reason" in refused.text
    assert Comment.objects.get(pk=comment.pk).deleted is None

    assert remove_comment(client, comment, reason="Be kind").status_code == 302
    assert Comment.objects.get(pk=comment.pk).deleted is not None
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.subject, entry.target_label) == (
        ActionKind.DELETE,
        member,
        "comment",
    )
    assert notices_for(member) == ["Be kind"]


def test_the_author_removes_their_own_comment_without_a_log_entry(client, member, post_factory):
    comment = do_add_comment(member, post_factory(), "Typo")
    client.force_login(member)
    assert remove_comment(client, comment).status_code == 302
    assert Comment.objects.get(pk=comment.pk).deleted is not None
    assert not ModerationAction.objects.exists()


@pytest.mark.parametrize(("viewer", "status"), [("insider", 403), ("outsider", 404)])
def test_others_cannot_remove_a_comment(request, client, member, post_factory, viewer, status):
    comment = do_add_comment(member, post_factory(), "Fine words")
    client.force_login(request.getfixturevalue(viewer))
    assert remove_comment(client, comment, reason="Because").status_code == status
    assert Comment.objects.get(pk=comment.pk).deleted is None
    assert not ModerationAction.objects.exists()
