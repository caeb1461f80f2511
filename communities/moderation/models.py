"""Reports, content withheld from view, the append-only log of moderation actions, and a
community's auto-moderation settings.

A report points at its target by label and id like a notification does (communities.content),
plus two targets communities owns itself: a member ("member", a Membership id) and a community
("community"). It keeps a snapshot of the content as the reporter saw it, so moderators judge
what was reported even when they may not see the rest of a circle, and even after an edit.

Every audience policy (feeds.policy, chat's `readable_by`) composes the subqueries at the end
(`withheld_from`, `released_to`, `is_withheld`, `reported_to_moderators`): they are
moderation's part of each policy, read from these rows when the policy runs, not a second
check. Chat reaches them through governance's registry (communities.screening), feeds here.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models.membership import Membership, MembershipStatus
from communities.permissions import PERMISSIONS, Action

REASON_MAX = 500
NOTE_MAX = 1000
MEMBER_TARGET = "member"
COMMUNITY_TARGET = "community"


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam")
    HARASSMENT = "harassment", _("Harassment")
    HATE = "hate", _("Hate")
    SEXUAL = "sexual", _("Sexual content")
    PRIVACY = "privacy", _("Privacy")
    OFF_TOPIC = "off_topic", _("Off-topic")
    OTHER = "other", _("Other")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    HANDLED = "handled", _("Handled")
    DISMISSED = "dismissed", _("Dismissed")


class Report(models.Model):
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    # Null once a site moderator deletes the community; the report stays for the record.
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    target_label = models.CharField(max_length=30)
    target_id = models.PositiveBigIntegerField()
    # Whom the report is about: the content's author or the reported member.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_about",
    )
    reason = models.CharField(max_length=12, choices=ReportReason.choices)
    note = models.CharField(max_length=NOTE_MAX, blank=True)
    snapshot = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)
    # What the reporter is told; never who did it.
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "target_label", "target_id"],
                condition=models.Q(status="open"),
                name="communities_report_one_open_per_reporter",
                violation_error_message=_("You have already reported this; moderators will look."),
            ),
        ]
        indexes = [
            models.Index(fields=["target_label", "target_id"], name="report_target"),
            models.Index(fields=["community", "status"], name="report_queue"),
        ]
        permissions = [
            ("moderate_everywhere", "Can act on reports and content in every community"),
            ("suspend_account", "Can suspend accounts site-wide"),
            ("delete_any_community", "Can delete any community"),
        ]

    def __str__(self) -> str:
        """ "Spam report on a post by Ben Okafor": what a moderator scanning a list reads."""
        reason = self.get_reason_display()
        author = self.snapshot.get("author", "") if isinstance(self.snapshot, dict) else ""
        what = self.target_label.replace("_", " ")
        if not author:
            return f"{reason} report on {what} {self.target_id}"
        if self.target_label == "member":
            return f"{reason} report on the member {author}"
        article = "an" if what[:1] in "aeiou" else "a"
        return f"{reason} report on {article} {what} by {author}"

    @property
    def is_open(self) -> bool:
        return self.status == ReportStatus.OPEN


class WithholdState(models.TextChoices):
    HELD = "held", _("Held for review")
    HIDDEN = "hidden", _("Hidden by moderators")


class WithheldContent(models.Model):
    """Content nobody but its author and the community's moderators may see for now.

    The owning app's policy excludes withheld rows (see `withheld_from` below); approving or
    unhiding deletes the row, and the audit log keeps the history.
    """

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="withheld_content"
    )
    target_label = models.CharField(max_length=30)
    target_id = models.PositiveBigIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    state = models.CharField(max_length=10, choices=WithholdState.choices)
    reason = models.CharField(max_length=REASON_MAX)
    # A reason the system wrote, as words each reader reads in their language
    # (sosoon_site.languages); empty for a moderator's own words, which stay as written.
    reason_words = models.JSONField(null=True, blank=True)
    snapshot = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created", "id"]
        verbose_name_plural = "withheld content"
        constraints = [
            models.UniqueConstraint(
                fields=["target_label", "target_id"], name="communities_withheld_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target_label} {self.target_id} ({self.get_state_display().lower()})"


class ActionKind(models.TextChoices):
    HIDE = "hide", _("Hid content")
    UNHIDE = "unhide", _("Unhid content")
    HOLD = "hold", _("Held content for review")
    APPROVE = "approve", _("Approved held content")
    AUTO_HIDE = "auto_hide", _("Hid content after reports")
    DELETE = "delete", _("Deleted content")
    DISMISS = "dismiss", _("Dismissed reports")
    WARN = "warn", _("Warned a member")
    MUTE = "mute", _("Muted a member")
    UNMUTE = "unmute", _("Unmuted a member")
    REMOVE = "remove", _("Removed a member")
    BAN = "ban", _("Banned a member")
    SUSPEND = "suspend", _("Suspended an account")
    DELETE_COMMUNITY = "delete_community", _("Deleted a community")


class ModerationActionQuerySet(models.QuerySet):
    """Bulk writes are refused too: the log is append-only."""

    def update(self, **kwargs):
        raise ValidationError("The moderation log cannot be changed.")

    def delete(self):
        raise ValidationError("The moderation log cannot be changed.")


class ModerationAction(models.Model):
    """One moderation action: who, what, on what, why, and the state before and after.

    Append-only: saving an existing row and deleting raise, here and in bulk, and the admin
    allows neither. `actor` is empty for automatic actions (auto-moderation).
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions",
    )
    action = models.CharField(max_length=20, choices=ActionKind.choices)
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions",
    )
    # Kept so the record still says where after the community is deleted.
    community_name = models.CharField(max_length=80, blank=True)
    target_label = models.CharField(max_length=30)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_received",
    )
    reason = models.CharField(max_length=REASON_MAX)
    # A reason the system wrote, as words each reader reads in their language
    # (sosoon_site.languages); empty for a moderator's own words, which stay as written.
    reason_words = models.JSONField(null=True, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(default=timezone.now)

    objects = ModerationActionQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["community", "-created"], name="moderation_log")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.created:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        if self.pk is not None and type(self)._base_manager.filter(pk=self.pk).exists():
            raise ValidationError("The moderation log cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("The moderation log cannot be changed.")


class FilterAction(models.TextChoices):
    BLOCK = "block", _("Refuse the post or message")
    HOLD = "hold", _("Hold it for review")


DEFAULT_AUTO_HIDE_REPORTS = 3


class AutoModeration(models.Model):
    """One row per community, made on first save of the settings; defaults mean "off" except
    auto-hide, which hides content after three people report it."""

    community = models.OneToOneField(
        "communities.Community", on_delete=models.CASCADE, related_name="automod"
    )
    blocked_words = models.TextField(
        blank=True, help_text=_("Words or phrases, one per line; matched whole, any case.")
    )
    patterns = models.TextField(
        blank=True, help_text=_("Regular expressions, one per line; matched anywhere, any case.")
    )
    filter_action = models.CharField(
        max_length=10, choices=FilterAction.choices, default=FilterAction.HOLD
    )
    new_member_holds = models.PositiveSmallIntegerField(
        default=0,
        help_text=_("Hold a new member's first posts and messages for review: how many (0: off)."),
    )
    auto_hide_reports = models.PositiveSmallIntegerField(
        default=DEFAULT_AUTO_HIDE_REPORTS,
        help_text=_("Hide content for review once this many different people report it."),
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


def moderated_community_ids(user) -> QuerySet:
    """A subquery of the communities where `user` (a user, or a reference to one in an outer
    query) holds a moderating role."""
    return Membership.objects.filter(
        user=user,
        status=MembershipStatus.ACTIVE,
        role__in=PERMISSIONS[Action.MODERATE],
    ).values("community_id")


def withheld_from(user, label: str) -> QuerySet:
    """A subquery of the ids of `label` content withheld from `user` (held or hidden, and
    neither theirs nor in a community they moderate)."""
    withheld = WithheldContent.objects.filter(target_label=label)
    if not user.is_authenticated:
        return withheld.values("target_id")
    return (
        withheld.exclude(author=user)
        .exclude(community__in=moderated_community_ids(user))
        .values("target_id")
    )


def released_to(users: QuerySet, label: str, target_id: int) -> QuerySet:
    """The reverse form of `withheld_from`: of `users`, those `label` content `target_id` is
    not withheld from (everyone while it is not withheld; then its author and the
    moderators of its community)."""
    withheld = (
        WithheldContent.objects.filter(target_label=label, target_id=target_id)
        .exclude(author=OuterRef("pk"))
        .exclude(community__in=moderated_community_ids(OuterRef(OuterRef("pk"))))
    )
    return users.exclude(Exists(withheld))


def is_withheld(label: str, target_id: int) -> bool:
    """Whether `label` content `target_id` is withheld (from everyone but its author and the
    community's moderators)."""
    return WithheldContent.objects.filter(target_label=label, target_id=target_id).exists()


def reported_to_moderators(user, label: str) -> QuerySet:
    """A subquery of the ids of `label` content a member reported in a community `user`
    moderates (rule 8: moderators then see a circle post they otherwise could not)."""
    if not user.is_authenticated:
        return Report.objects.none().values("target_id")
    return Report.objects.filter(
        target_label=label, community__in=moderated_community_ids(user)
    ).values("target_id")
