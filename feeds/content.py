"""Posts and comments as content communities can point at: notifications, reports and
moderation actions.

Registered from FeedsConfig.ready, so communities asks feeds' own policy about them (which
also leaves out what moderation withholds) and the imports keep pointing feeds -> communities.
Hiding needs nothing from here: a hidden post is a `WithheldContent` row that feeds.policy
reads (and cross-posting listens for); deleting is feeds' own soft delete, so the post or
comment stays as a "removed" tombstone and its thread keeps its shape.
"""

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from communities.content import ContentKind, register_content
from feeds.models import COMMENT_LABEL, POST_LABEL, Audience, Comment, Post
from feeds.notifying import notify_comment
from feeds.policy import audience_of, comment_audience_of
from feeds.services.comments import do_remove_comment
from feeds.services.posts import announce_post, do_remove_post
from sosoon_site.rendering import mentioned_people


def post_summary(post: Post) -> str:
    if post.is_removed:
        return "a removed post"
    return Truncator(post.body).chars(80) or _("a post with images")


def comment_summary(comment: Comment) -> str:
    if comment.is_removed:
        return _("a removed comment")
    return Truncator(comment.body).chars(80)


def audience_label(post: Post) -> str:
    """Who the post was for, as its card says it: a circle post says "Close friends" (or
    "Circle"), never who is in it."""
    if post.audience == Audience.COMMUNITY:
        return _("Everyone in %(community)s") % {"community": post.community.name}
    return post.audience_label


def post_snapshot(post: Post) -> dict:
    """What a report keeps of a post: the text as written, with a note of its images (a
    moderator judging a circle post from the queue sees this, not the circle)."""
    images = post.images.count()
    text = post.body
    if images:
        text = f"{text}\n[{images} image{'s' if images != 1 else ''}]".strip()
    return {
        "text": text,
        "author": str(post.author),
        "created": post.created.isoformat(),
        "audience": audience_label(post),
    }


def comment_snapshot(comment: Comment) -> dict:
    return {
        "text": comment.body,
        "author": str(comment.author),
        "created": comment.created.isoformat(),
        "audience": f"Comment on a post for: {audience_label(comment.post)}",
    }


def register_feed_content() -> None:
    register_content(
        ContentKind(
            label=POST_LABEL,
            model=Post,
            visible_to=lambda user: Post.objects.visible_to(user),
            visible_at=lambda user, now: Post.objects.visible_to(user, now=now),
            audience=audience_of,
            url=lambda post: post.get_absolute_url(),
            summary=post_summary,
            community=lambda post: post.community,
            reportable=True,
            author=lambda post: post.author,
            authored_by=lambda user, community: Post.objects.live().filter(
                author=user, community=community
            ),
            snapshot=post_snapshot,
            delete=do_remove_post,
            is_removed=lambda post: post.is_removed,
            on_approved=lambda post: announce_post(post, mentioned_people(post.body)),
        )
    )
    register_content(
        ContentKind(
            label=COMMENT_LABEL,
            model=Comment,
            visible_to=lambda user: Comment.objects.visible_to(user),
            visible_at=lambda user, now: Comment.objects.visible_to(user, now=now),
            audience=comment_audience_of,
            url=lambda comment: comment.get_absolute_url(),
            summary=comment_summary,
            community=lambda comment: comment.post.community,
            reportable=True,
            author=lambda comment: comment.author,
            authored_by=lambda user, community: Comment.objects.filter(
                author=user, post__community=community, deleted__isnull=True
            ),
            snapshot=comment_snapshot,
            delete=do_remove_comment,
            is_removed=lambda comment: comment.is_removed,
            on_approved=lambda comment: notify_comment(comment, mentioned_people(comment.body)),
        )
    )
