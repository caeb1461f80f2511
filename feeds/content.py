"""Posts and comments as content communities can point at (notifications, later reports).

Registered from FeedsConfig.ready, so communities asks feeds' own policy about them and the
imports keep pointing feeds -> communities.
"""

from django.utils.text import Truncator

from communities.content import ContentKind, register_content
from feeds.models import Comment, Post
from feeds.policy import audience_of, comment_audience_of


def post_summary(post: Post) -> str:
    if post.is_removed:
        return "a removed post"
    return Truncator(post.body).chars(80) or "a post with images"


def comment_summary(comment: Comment) -> str:
    if comment.is_removed:
        return "a removed comment"
    return Truncator(comment.body).chars(80)


def register_feed_content() -> None:
    register_content(
        ContentKind(
            label="post",
            model=Post,
            visible_to=lambda user: Post.objects.visible_to(user),
            audience=audience_of,
            url=lambda post: post.get_absolute_url(),
            summary=post_summary,
            community=lambda post: post.community,
        )
    )
    register_content(
        ContentKind(
            label="comment",
            model=Comment,
            visible_to=lambda user: Comment.objects.visible_to(user),
            audience=comment_audience_of,
            url=lambda comment: comment.get_absolute_url(),
            summary=comment_summary,
            community=lambda comment: comment.post.community,
        )
    )
