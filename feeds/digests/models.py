"""What each person wants to hear from each community, and which digests were already done."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    OFF = "off", _("Off")


# What a person gets from a community they never chose for: no row means this.
DEFAULT_FREQUENCY = Frequency.WEEKLY


class DigestPreference(models.Model):
    """How often `user` wants the digest of `community`; without a row, DEFAULT_FREQUENCY.
    `insights_weekly`: an owner or admin also wants the community's weekly Insights email
    (feeds/insights/weekly.py); off without a row, and ignored for anyone else."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preferences"
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    frequency = models.CharField(max_length=10, choices=Frequency, default=DEFAULT_FREQUENCY)
    insights_weekly = models.BooleanField(
        "weekly Insights email", default=False, help_text="Owners and admins only."
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="digest_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} digest of {self.community_id} for {self.user_id}"


class DigestOutcome(models.TextChoices):
    SENT = "sent", "Sent"
    EMPTY = "empty", "Nothing missed: not sent"
    SKIPPED = "skipped", "Not sent: no longer a member, turned off or no verified address"


class DigestSent(models.Model):
    """One person's digest of one community for one period, claimed before it is built.

    The unique constraint is the claim: a second worker's insert for the same period fails
    (on PostgreSQL it waits for the first to commit, then fails), so at most one mail is
    queued per period. The row is written in the same transaction as the mail, so a worker
    that dies mid-way leaves neither and the next run sends it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    frequency = models.CharField(max_length=10, choices=Frequency)
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=DigestOutcome)
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "digest sent"
        verbose_name_plural = "digests sent"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "community", "frequency", "period_start"],
                name="digest_once_per_period",
            )
        ]
        indexes = [models.Index(fields=["period_start"], name="digest_sent_period")]

    def __str__(self) -> str:
        return f"{self.frequency} digest of {self.community_id} for {self.user_id}"
