"""Comments and replies (one level: a reply to a reply joins the same thread).

A new comment passes feeds.services.screening (mute, auto-moderation, rate limit) like a
post; a held comment is saved but withheld, and tells nobody until a moderator approves it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.moderation.services.actions import check_delete_content
from communities.moderation.services.automod import hold_for_review
from feeds.models import COMMENT_LABEL, MAX_COMMENT, Comment, Post
from feeds.notifying import notify_comment
from feeds.policy import access_post
from feeds.services.posts import may_remove, removes_as_moderator
from feeds.services.screening import COMMENT_RATE, screen_text
from sosoon_site.languages import ReadersWords
from sosoon_site.rendering import mentioned_people, render_markdown


def do_add_comment(
    author,
    post: Post,
    body: str,
    *,
    parent: Comment | None = None,
    held_reason: "ReadersWords | str" = "",
) -> Comment:
    """Save the comment, or (with `held_reason`) hold it for review without telling anyone.
    Caller checked access to `post` and that `parent` is on it. The returned comment's
    `held_reason` says which."""
    mentioned = mentioned_people(body)
    with transaction.atomic():
        comment = Comment.objects.create(
            post=post,
            author=author,
            parent=parent,
            body=body,
            body_html=render_markdown(body, mentioned=mentioned),
        )
        if held_reason:
            hold_for_review(comment, reason=held_reason)
        else:
            notify_comment(comment, mentioned)
    comment.held_reason = held_reason
    return comment


def check_add_comment(author, post_id, body: str, *, parent_id=None) -> Comment:
    """Comment on a post `author` may see, or reply to a comment on it they may see."""
    post = access_post(author, post_id)
    if not author.is_authenticated:
        raise PermissionDenied("Sign in to comment.")
    if post.is_removed:
        raise ValidationError({"body": _("This post was removed; it takes no more comments.")})
    if not body.strip():
        raise ValidationError({"body": _("Write a comment first.")})
    if len(body) > MAX_COMMENT:
        raise ValidationError(
            {
                "body": _("A comment is at most %(count)s characters.")
                % {"count": f"{MAX_COMMENT:,}"}
            }
        )
    parent = None
    if parent_id:
        parent = (
            Comment.objects.visible_to(author)
            .filter(pk=parent_id, post=post, deleted__isnull=True)
            .select_related("parent")
            .first()
        )
        if parent is None:
            raise Http404("No such comment.")
        parent = parent.parent or parent
    held_reason = screen_text(author, post.community, body)
    COMMENT_RATE.require(author.pk, action="comments")
    return do_add_comment(author, post, body, parent=parent, held_reason=held_reason)


def do_remove_comment(comment: Comment) -> Comment:
    """Soft delete: the comment shows as removed, its replies stay. Also how a moderator
    deletes a comment (feeds.content)."""
    if comment.deleted is None:
        comment.deleted = timezone.now()
        comment.save(update_fields=["deleted"])
    return comment


def access_removable_comment(user, comment_id) -> Comment:
    """The comment, if `user` may see it (Http404 otherwise) and remove it: its author, or
    whoever may remove the post (PermissionDenied)."""
    comment = (
        Comment.objects.visible_to(user)
        .filter(pk=comment_id)
        .select_related("post", "post__community")
        .first()
        if user.is_authenticated
        else None
    )
    if comment is None:
        raise Http404("No such comment.")
    if comment.author_id != user.pk and not may_remove(user, comment.post):
        raise PermissionDenied("Only the author or a moderator can remove a comment.")
    return comment


def check_remove_comment(user, comment_id, *, reason: str = "") -> Comment:
    """Soft delete by the comment's author (or the post's) at once; by a moderator through
    the moderation service, as from the queue (reason required, ModerationAction, notice)."""
    comment = access_removable_comment(user, comment_id)
    if comment.deleted is not None:
        return comment
    if removes_as_moderator(user, comment.post, comment.author_id):
        check_delete_content(user, COMMENT_LABEL, comment.pk, reason=reason)
        comment.refresh_from_db()
        return comment
    return do_remove_comment(comment)
