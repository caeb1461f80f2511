"""Comments on posts, with one level of replies."""

from django.conf import settings
from django.db import models
from django.utils import timezone

# The content label and the queryset (`visible_to`) are the policy's own.
from feeds.policy import COMMENT_LABEL, CommentQuerySet

MAX_COMMENT = 5_000
__all__ = ["COMMENT_LABEL", "MAX_COMMENT", "Comment", "CommentQuerySet"]


class Comment(models.Model):
    """A comment; `parent` makes it a reply (replies to replies attach to the same parent)."""

    # No single-column indexes: (post, created) and (author, created) lead with these.
    post = models.ForeignKey(
        "feeds.Post", on_delete=models.CASCADE, related_name="comments", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments", db_index=False
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(max_length=MAX_COMMENT)
    body_html = models.TextField(blank=True, editable=False)
    created = models.DateTimeField(default=timezone.now)
    edited = models.DateTimeField(null=True, blank=True)
    deleted = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created", "id"]
        indexes = [
            models.Index(fields=["post", "created"], name="feeds_comment_post"),
            models.Index(fields=["author", "created"], name="feeds_comment_author"),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} by {self.author.handle}"

    def get_absolute_url(self) -> str:
        return f"{self.post.get_absolute_url()}#comment-{self.pk}"

    @property
    def is_removed(self) -> bool:
        return self.deleted is not None
