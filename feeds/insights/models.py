"""The summary tables Insights reads, one row per community and day (or per member, post,
room or cohort and day), written only by the roll-up (`rollups.py`), which replaces a day's
rows whole so that rolling a day up again gives the same rows.

`MemberVisit` is the one row written outside the roll-up: a member opened the community's
feed on that day (the community's day), recorded once per member per day. `WeeklyInsightsSent`
is the weekly email's claim, not a summary.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MemberVisit(models.Model):
    """A member opened the community's feed on `day` (in the community's time zone)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "day", "user"], name="insights_visit_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} opened {self.community_id} on {self.day}"


class WeeklyOutcome(models.TextChoices):
    SENT = "sent", "Sent: email and notification"
    IN_APP = "in_app", "Notification only: no verified address"
    SKIPPED = "skipped", "Not sent: turned off, or no longer an owner or admin"


class WeeklyInsightsSent(models.Model):
    """One owner's or admin's weekly Insights of one community for one week (`week`: its
    Monday), claimed before anything is sent (feeds/insights/weekly.py).

    The unique constraint is the claim, as for digests: a second worker's insert for the
    same week fails, so nobody hears of a week twice. The row, the notification and the
    queued mail are written in one transaction: a worker that dies leaves none of them. The
    row is also what the in-app notification points at."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    week = models.DateField()
    outcome = models.CharField(max_length=10, choices=WeeklyOutcome)
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "weekly Insights sent"
        verbose_name_plural = "weekly Insights sent"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "community", "week"], name="insights_weekly_once"
            )
        ]

    def __str__(self) -> str:
        return f"Insights of {self.community_id}, week of {self.week}, for {self.user_id}"


class MemberDay(models.Model):
    """What one person did in one community on one day; a row exists only if they were active."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    contributions = models.PositiveIntegerField(default=0)
    visited = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "day", "user"], name="insights_member_day_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.community_id} on {self.day}"


class CommunityDay(models.Model):
    """One community's day: members at its end, the day's changes, and who was active."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    members = models.PositiveIntegerField(default=0)
    joined = models.PositiveIntegerField(default=0)
    left = models.PositiveIntegerField(default=0)
    banned = models.PositiveIntegerField(default=0)
    # Distinct people active (and contributing) on the day, and in the 7, 30 and 90 days
    # ending with it: the page's periods of those lengths read them instead of member rows.
    active = models.PositiveIntegerField(default=0)
    active_week = models.PositiveIntegerField(default=0)
    active_month = models.PositiveIntegerField(default=0)
    active_quarter = models.PositiveIntegerField(default=0)
    contributors = models.PositiveIntegerField(default=0)
    contributors_week = models.PositiveIntegerField(default=0)
    contributors_month = models.PositiveIntegerField(default=0)
    contributors_quarter = models.PositiveIntegerField(default=0)
    contributions = models.PositiveIntegerField(default=0)
    # Visits to the community's cross-posts' and partners' tracked links (the sources that
    # count visits).
    crosspost_visits = models.PositiveIntegerField(default=0)
    partner_visits = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["community", "day"], name="insights_community_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.community_id} on {self.day}"


class TierDay(models.Model):
    """Members of one tier at the end of a day; the tier's name is kept as it was then."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    tier_name = models.CharField(max_length=40)
    tier_rank = models.IntegerField(default=0)
    members = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day", "tier_rank"]
        indexes = [models.Index(fields=["community", "day"], name="insights_tier_day")]

    def __str__(self) -> str:
        return f"{self.tier_name} in {self.community_id} on {self.day}"


class PostDay(models.Model):
    """Interactions with one post on one day, and its audience's size when rolled up."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey("feeds.Post", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    comments = models.PositiveIntegerField(default=0)
    reactions = models.PositiveIntegerField(default=0)
    audience = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["community", "day"], name="insights_post_day")]

    def __str__(self) -> str:
        return f"Post {self.post_id} on {self.day}"


class TopPostWindow(models.Model):
    """One of the most engaging posts of the `days` days ending on `day` (7, 30 or 90, the
    page's presets), ranked as the page ranks them (`rollups.ranked_posts`): its sums over
    those days, so a period of that length reads these rows, not a post row per day."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    days = models.PositiveSmallIntegerField()
    rank = models.PositiveSmallIntegerField()
    post = models.ForeignKey("feeds.Post", on_delete=models.CASCADE, related_name="+")
    comments = models.PositiveIntegerField(default=0)
    reactions = models.PositiveIntegerField(default=0)
    audience = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["rank"]
        indexes = [
            models.Index(fields=["community", "day", "days"], name="insights_top_post_window")
        ]

    def __str__(self) -> str:
        return f"Post {self.post_id}, #{self.rank} of the {self.days} days to {self.day}"


class RoomDay(models.Model):
    """Messages in one community chat room on one day, and how many people wrote them."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    room = models.ForeignKey("communities.ChatRoom", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    messages = models.PositiveIntegerField(default=0)
    chatters = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["community", "day"], name="insights_room_day")]

    def __str__(self) -> str:
        return f"Room {self.room_id} on {self.day}"


class CohortWeek(models.Model):
    """The members who first joined in the week starting `week` (a Monday), and how many of
    them were active `weeks_after` weeks later (0 is the join week itself)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    week = models.DateField()
    weeks_after = models.PositiveSmallIntegerField()
    members = models.PositiveIntegerField(default=0)
    active = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["week", "weeks_after"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "week", "weeks_after"], name="insights_cohort_week_once"
            )
        ]

    def __str__(self) -> str:
        return f"Cohort {self.week} +{self.weeks_after} in {self.community_id}"


class Source(models.TextChoices):
    CROSSPOST = "crosspost", _("Cross-post")
    INVITATION_LINK = "invitation_link", _("Invitation link")
    EMAIL_INVITATION = "email_invitation", _("Email invitation")
    PARTNER = "partner", _("Partner")
    DIRECTORY = "directory", _("Directory (join request)")
    DIRECT = "direct", _("Direct (founded, added)")


class MemberJoin(models.Model):
    """One join on one day, by where it came from, and whether the person was still active
    in the week 30 days later (empty until that week has been rolled up)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    source = models.CharField(max_length=20, choices=Source.choices)
    retained = models.BooleanField(null=True)

    class Meta:
        indexes = [models.Index(fields=["community", "day"], name="insights_join_day")]

    def __str__(self) -> str:
        return f"{self.user_id} joined {self.community_id} on {self.day} ({self.source})"


class AccountDay(models.Model):
    """Visits to one connected network account's cross-posts' tracked links on one day, and
    the joins through them (by invitation or join request): the cross-post source by the
    account that published it. Its network and handle are kept as they were that day, so
    the row outlives a renamed or removed account."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    account = models.ForeignKey(
        "feeds.ExternalAccount", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    platform = models.CharField(max_length=10)
    handle = models.CharField(max_length=100, blank=True)
    visits = models.PositiveIntegerField(default=0)
    joins = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["community", "day"], name="insights_account_day")]

    def __str__(self) -> str:
        return f"{self.platform} @{self.handle} in {self.community_id} on {self.day}"
