"""The report form answers only what the reporter may see: removed content shows that it was
removed (as its page does) and cannot be reported from what it said; content the viewer may
not see is a 404, as if it did not exist."""

import pytest
from django.urls import reverse

from communities.models import Report
from communities.moderation.services.actions import check_hide_content
from feeds.models import Audience
from feeds.services.comments import check_remove_comment, do_add_comment
from feeds.services.posts import check_remove_post

pytestmark = pytest.mark.django_db


def report_url(label, target_id):
    return reverse("communities:report", kwargs={"label": label, "target_id": target_id})


def file_report(client, label, target_id):
    return client.post(report_url(label, target_id), {"reason": "spam", "note": "again"})


def test_a_visible_post_is_shown_on_the_form_and_can_be_reported(client, member, post_factory):
    post = post_factory(body="Cheap watches here")
    client.force_login(member)
    assert "Cheap watches here" in client.get(report_url("post", post.pk)).text
    assert file_report(client, "post", post.pk).status_code == 302
    assert Report.objects.count() == 1


def test_a_post_its_author_removed_shows_only_that_it_was_removed(
    client, author, member, post_factory
):
    post = post_factory(body="Regretted words")
    check_remove_post(author, post.pk)
    client.force_login(member)

    page = client.get(report_url("post", post.pk))
    assert page.status_code == 200
    assert "This post was removed." in page.text and "Regretted words" not in page.text
    refused = file_report(client, "post", post.pk)
    assert refused.status_code == 400 and "Regretted words" not in refused.text
    assert not Report.objects.exists()


def test_a_comment_removed_by_a_moderator_shows_only_that_it_was_removed(
    client, moderator, member, insider, post_factory
):
    comment = do_add_comment(insider, post_factory(), "Rude remark")
    check_remove_comment(moderator, comment.pk, reason="Be kind")
    client.force_login(member)

    page = client.get(report_url("comment", comment.pk))
    assert "This comment was removed." in page.text and "Rude remark" not in page.text
    assert file_report(client, "comment", comment.pk).status_code == 400
    assert not Report.objects.exists()


def test_a_post_a_moderator_hid_is_not_found_by_members(client, moderator, member, post_factory):
    post = post_factory(body="Hidden for review")
    check_hide_content(moderator, "post", post.pk, reason="Checking")
    client.force_login(member)
    assert client.get(report_url("post", post.pk)).status_code == 404
    assert file_report(client, "post", post.pk).status_code == 404
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("viewer", "audience"),
    [("outsider", Audience.COMMUNITY), ("member", Audience.CIRCLE), ("blocked", Audience.TIER)],
)
def test_content_the_viewer_may_not_see_is_not_found(
    request, client, post_factory, close_friends, viewer, audience
):
    extra = {"circle": close_friends} if audience == Audience.CIRCLE else {}
    if audience == Audience.TIER:
        extra = {"min_tier": request.getfixturevalue("community").tiers.get(name="Insider")}
    post = post_factory(body="Not for you", audience=audience, **extra)
    comment = do_add_comment(post.author, post, "Nor this")
    client.force_login(request.getfixturevalue(viewer))
    for label, target in [("post", post), ("comment", comment)]:
        assert client.get(report_url(label, target.pk)).status_code == 404
        assert file_report(client, label, target.pk).status_code == 404
    assert not Report.objects.exists()
