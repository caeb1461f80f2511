"""A community's auto-moderation settings: word and pattern filters, slow mode, auto-hide."""

from django.db import models


class FilterAction(models.TextChoices):
    BLOCK = "block", "Refuse the post or message"
    HOLD = "hold", "Hold it for review"


DEFAULT_AUTO_HIDE_REPORTS = 3


class AutoModeration(models.Model):
    """One row per community, made on first save of the settings; defaults mean "off" except
    auto-hide, which hides content after three people report it."""

    community = models.OneToOneField(
        "communities.Community", on_delete=models.CASCADE, related_name="automod"
    )
    blocked_words = models.TextField(
        blank=True, help_text="Words or phrases, one per line; matched whole, any case."
    )
    patterns = models.TextField(
        blank=True, help_text="Regular expressions, one per line; matched anywhere, any case."
    )
    filter_action = models.CharField(
        max_length=10, choices=FilterAction.choices, default=FilterAction.HOLD
    )
    new_member_holds = models.PositiveSmallIntegerField(
        default=0,
        help_text="Hold a new member's first posts and messages for review: how many (0: off).",
    )
    auto_hide_reports = models.PositiveSmallIntegerField(
        default=DEFAULT_AUTO_HIDE_REPORTS,
        help_text="Hide content for review once this many different people report it.",
    )

    class Meta:
        verbose_name = "auto-moderation settings"
        verbose_name_plural = "auto-moderation settings"

    def __str__(self) -> str:
        return f"Auto-moderation for {self.community}"

    def word_list(self) -> list[str]:
        return [line.strip() for line in self.blocked_words.splitlines() if line.strip()]

    def pattern_list(self) -> list[str]:
        return [line.strip() for line in self.patterns.splitlines() if line.strip()]
