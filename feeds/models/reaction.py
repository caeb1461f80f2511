"""Reactions: a small fixed set of emoji, at most one of each per person per post."""

from django.conf import settings
from django.db import models
from django.utils import timezone

# The queryset (`visible_to`) is the policy's own.
from feeds.policy import ReactionQuerySet


class Emoji(models.TextChoices):
    HEART = "heart", "❤️"
    THUMBS_UP = "thumbs_up", "👍"
    LAUGH = "laugh", "😂"
    WOW = "wow", "😮"
    CLAP = "clap", "👏"


class Reaction(models.Model):
    # No single-column indexes: the unique (post, user, emoji) and (user, created) indexes
    # lead with these columns, and the first lets a page count reactions from the index alone.
    post = models.ForeignKey(
        "feeds.Post", on_delete=models.CASCADE, related_name="reactions", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions", db_index=False
    )
    emoji = models.CharField(max_length=12, choices=Emoji.choices)
    created = models.DateTimeField(default=timezone.now)

    objects = ReactionQuerySet.as_manager()

    class Meta:
        ordering = ["created", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user", "emoji"], name="feeds_reaction_one_each"
            ),
        ]
        indexes = [models.Index(fields=["user", "created"], name="feeds_reaction_user")]

    def __str__(self) -> str:
        return f"{self.user.handle} {self.get_emoji_display()} on post {self.post_id}"

    def get_absolute_url(self) -> str:
        return self.post.get_absolute_url()
