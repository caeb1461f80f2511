"""Posts: Markdown bodies rendered once on save, each with an audience decided at read time."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

# Audiences, the content label and the queryset (`visible_to`) are the policy's own.
from feeds.policy import POST_LABEL, Audience, PostQuerySet
from sosoon_site.covering_index import CoveringIndex

MAX_BODY = 10_000
__all__ = ["MAX_BODY", "POST_LABEL", "Audience", "Post", "PostQuerySet"]


class Post(models.Model):
    """One post in one community. Who sees it is `audience` plus `min_tier` or `circle`,
    checked whenever it is read (feeds.policy), never copied when it is written."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="posts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    body = models.TextField(max_length=MAX_BODY, blank=True)
    body_html = models.TextField(blank=True, editable=False)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.COMMUNITY)
    # A deleted tier or circle leaves its posts to the author alone, never to more people.
    min_tier = models.ForeignKey(
        "communities.Tier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    circle = models.ForeignKey(
        "feeds.Circle", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Whether the post carries a release ladder (feeds.releases): only then does the policy
    # read its steps, so a post without one costs the policy nothing more.
    staged = models.BooleanField(default=False, editable=False)
    created = models.DateTimeField(default=timezone.now)
    edited = models.DateTimeField(null=True, blank=True)
    deleted = models.DateTimeField(null=True, blank=True)
    pinned_at = models.DateTimeField(null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            # Home feed (Latest, and Top's candidate window): newest first across communities.
            # It carries every column the audience policy reads from the post (on SQLite as
            # trailing keys, sosoon_site/covering_index.py), so walking it past other
            # communities' posts never visits the table.
            CoveringIndex(
                fields=["-created", "-id"],
                include=[
                    *("community", "author", "audience", "min_tier", "circle", "staged"),
                    "deleted",
                ],
                name="feeds_post_latest",
            ),
            # Community feed and search within one community.
            models.Index(fields=["community", "-created", "-id"], name="feeds_post_community"),
            models.Index(fields=["author", "-created"], name="feeds_post_author"),
            models.Index(
                fields=["community", "pinned_at"],
                condition=models.Q(pinned_at__isnull=False),
                name="feeds_post_pinned",
            ),
        ]

    def __str__(self) -> str:
        return f"Post {self.pk} by {self.author.handle} in {self.community}"

    def get_absolute_url(self) -> str:
        return reverse("feeds:post", kwargs={"post_id": self.pk})

    @property
    def is_removed(self) -> bool:
        return self.deleted is not None

    @property
    def audience_label(self) -> str:
        """A short label for the post's card; a circle post says only that it is one. A card
        read with the policy's `audience_now` annotations shows its release ladder's step."""
        audience = getattr(self, "audience_now", None) or self.audience
        if audience == Audience.TIER:
            tier = getattr(self, "tier_name_now", None) or (self.min_tier and self.min_tier.name)
            return f"{tier}+" if tier else _("Tier")
        if audience == Audience.CIRCLE:
            return self.circle.badge if self.circle else _("Circle")
        if audience == Audience.PUBLIC:
            return _("Public")
        return ""
