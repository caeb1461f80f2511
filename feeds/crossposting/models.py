"""Connected accounts and cross-posts.

A CrossPost is a state machine (services/publishing.py has one handler per state):

    scheduled -> publishing -> published
                            -> failed        (a reason a person can act on)
                            -> needs_review  (outcome unknown: never publish twice blindly)
    scheduled -> cancelled

A row is claimed (scheduled -> publishing) up to one scheduler wake (30 s) before its time, so
that it can leave at its time; its publish task waits for it, and no request leaves earlier.

`request_sent_at` is written and committed just before the request that creates the public
post leaves, and cleared when its outcome is saved. A worker that finds it set knows an
earlier attempt died between "sent" and "saved", and sends the row to needs_review.

`claim` goes up each time the dispatcher claims the row and queues a task for it. A task acts
only on rows still under the claim it was queued with, so when a lost task is replaced (the
Redis broker keeps no receipt of a task a killed worker held), the old one, should it turn up
after all, leaves the row to its replacement.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import time_format
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from feeds.crossposting.encryption import EncryptedTextField, Secret
from sosoon_site.languages import ReadersWords


class Platform(models.TextChoices):
    X = "x", "X"
    PINTEREST = "pinterest", "Pinterest"
    TIKTOK = "tiktok", "TikTok"


def network_label(platform: str) -> str:
    """ "X", "Pinterest", "TikTok"; prefixed "Sandbox" while the sandbox networks are on."""
    label = Platform(platform).label
    return (
        gettext("Sandbox %(network)s") % {"network": label}
        if settings.SOSOON_SANDBOX_NETWORKS
        else label
    )


def network_words(platform: str) -> "ReadersWords | str":
    """`network_label` as words for a reason kept on a row, read in each reader's language."""
    label = Platform(platform).label
    if settings.SOSOON_SANDBOX_NETWORKS:
        return ReadersWords(gettext_noop("Sandbox %(network)s"), {"network": label})
    return label


class AccountStatus(models.TextChoices):
    CONNECTED = "connected", _("Connected")
    REFRESH_FAILING = "refresh_failing", _("Refresh failing")
    REAUTH_REQUIRED = "reauth_required", _("Re-authorisation required")


class ExternalAccountQuerySet(models.QuerySet):
    def connected(self) -> "ExternalAccountQuerySet":
        """Accounts not disconnected (whatever their token health)."""
        return self.filter(disconnected_at__isnull=True)


class ExternalAccount(models.Model):
    """A community's account on one platform. Tokens are ciphertext at rest (encryption.py);
    `access_token` / `refresh_token` read and write plaintext."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="external_accounts"
    )
    platform = models.CharField(max_length=10, choices=Platform.choices)
    external_id = models.CharField(max_length=100, blank=True)
    handle = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        max_length=20, choices=AccountStatus.choices, default=AccountStatus.CONNECTED
    )
    status_reason = models.TextField(blank=True)
    # `status_reason` as words each reader reads in their language (sosoon_site.languages);
    # empty on rows written before words were kept.
    status_reason_words = models.JSONField(null=True, blank=True)
    access_token_ciphertext = EncryptedTextField()
    refresh_token_ciphertext = EncryptedTextField()
    access_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_expires_at = models.DateTimeField(null=True, blank=True)
    scopes = models.CharField(max_length=300, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    connected_at = models.DateTimeField(auto_now_add=True)
    disconnected_at = models.DateTimeField(null=True, blank=True)

    access_token = Secret("access_token_ciphertext")
    refresh_token = Secret("refresh_token_ciphertext")

    objects = ExternalAccountQuerySet.as_manager()

    class Meta:
        ordering = ["community", "platform", "handle"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "platform", "external_id"],
                condition=~models.Q(external_id=""),
                name="crossposting_account_once_per_community",
            )
        ]

    def __str__(self) -> str:
        return f"{self.network_label} @{self.handle or '?'}"

    @property
    def network_label(self) -> str:
        """The platform's name, or "Sandbox X" where the site's networks are the development
        sandboxes, so nobody mistakes a sandbox account for a real one."""
        return network_label(self.platform)

    @property
    def words(self) -> ReadersWords:
        """The account as `str` names it, as words for a reason kept on a row: "Sandbox"
        is read in each reader's language."""
        return ReadersWords(
            gettext_noop("%(network)s @%(handle)s"),
            {"network": network_words(self.platform), "handle": self.handle or "?"},
        )

    @property
    def can_publish(self) -> bool:
        return self.disconnected_at is None and self.status != AccountStatus.REAUTH_REQUIRED


class CrossPostStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHING = "publishing", _("Publishing")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    NEEDS_REVIEW = "needs_review", _("Needs review")


PENDING_STATUSES = (CrossPostStatus.SCHEDULED, CrossPostStatus.PUBLISHING)


def new_ref_code() -> str:
    return secrets.token_urlsafe(9)


class CrossPost(models.Model):
    """One public post, scheduled to one connected account, with that platform's fields."""

    post = models.ForeignKey("feeds.Post", on_delete=models.CASCADE, related_name="crossposts")
    account = models.ForeignKey(
        ExternalAccount, on_delete=models.CASCADE, related_name="crossposts"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=CrossPostStatus.choices, default=CrossPostStatus.SCHEDULED
    )
    scheduled_at = models.DateTimeField()

    text = models.TextField(blank=True)
    title = models.CharField(max_length=200, blank=True)
    link = models.URLField(max_length=2048, blank=True)
    alt_text = models.CharField(max_length=1000, blank=True)
    board_id = models.CharField(max_length=100, blank=True)
    board_name = models.CharField(max_length=200, blank=True)
    privacy_level = models.CharField(max_length=50, blank=True)
    # TikTok's interaction settings, as the owner chose them (off unless turned on, as TikTok's
    # guidelines ask); comments stay off anyway where the creator has disabled them.
    allow_comments = models.BooleanField(default=False)
    auto_add_music = models.BooleanField(default=False)
    # [{"image": PostImage id, "url": absolute URL, "path": storage name, "type": MIME}]
    media = models.JSONField(default=list, blank=True)

    ref_code = models.CharField(max_length=20, unique=True, default=new_ref_code)
    invitation = models.ForeignKey(
        "communities.Invitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visit_count = models.PositiveIntegerField(default=0)

    attempts = models.PositiveSmallIntegerField(default=0)
    claim = models.PositiveIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    request_sent_at = models.DateTimeField(null=True, blank=True)
    publish_id = models.CharField(max_length=200, blank=True)
    polls = models.PositiveSmallIntegerField(default=0)
    external_id = models.CharField(max_length=100, blank=True)
    external_url = models.URLField(max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    # `reason` as words each reader reads in their language (sosoon_site.languages); empty
    # for a fixed message and on rows written before words were kept.
    reason_words = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scheduled_at", "id"]
        indexes = [
            models.Index(fields=["status", "scheduled_at"], name="crosspost_due"),
            models.Index(fields=["status", "next_attempt_at"], name="crosspost_retry"),
            models.Index(fields=["account", "scheduled_at"], name="crosspost_calendar"),
        ]

    def __str__(self) -> str:
        return f"Cross-post {self.pk} of post {self.post_id} to {self.account}"

    def get_absolute_url(self) -> str:
        return reverse("crossposting:list", kwargs={"slug": self.post.community.slug})

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES

    @property
    def progress(self) -> str:
        """Where a row in `publishing` is, in words a person can read (times in the active
        time zone); empty in every other state, whose `reason` says it all."""
        if self.status != CrossPostStatus.PUBLISHING:
            return ""
        platform = self.account.get_platform_display()
        if self.request_sent_at:
            return gettext("Sending to %(platform)s since %(time)s.") % {
                "platform": platform,
                "time": _clock(self.request_sent_at),
            }
        if self.next_attempt_at and self.publish_id:
            return gettext(
                "%(platform)s accepted it and is still processing it; Sosoon checks again at "
                "%(time)s."
            ) % {"platform": platform, "time": _clock(self.next_attempt_at)}
        if self.next_attempt_at and self.attempts:
            return gettext("Waiting to try again at %(time)s.") % {
                "time": _clock(self.next_attempt_at)
            }
        if self.publish_id:
            return gettext("Asking %(platform)s how it is doing, since %(time)s.") % {
                "platform": platform,
                "time": _clock(self.updated_at),
            }
        if self.next_attempt_at or self.scheduled_at > timezone.now():
            return gettext("Claimed, waiting for its time (%(time)s).") % {
                "time": _clock(self.scheduled_at)
            }
        return gettext("Queued for sending to %(platform)s since %(time)s.") % {
            "platform": platform,
            "time": _clock(self.updated_at),
        }


def _clock(moment) -> str:
    return time_format(timezone.localtime(moment), "H:i")


class Referral(models.Model):
    """A join request filed from a cross-post's landing page."""

    crosspost = models.ForeignKey(CrossPost, on_delete=models.CASCADE, related_name="referrals")
    join_request = models.OneToOneField(
        "communities.JoinRequest", on_delete=models.CASCADE, related_name="+"
    )

    def __str__(self) -> str:
        return f"Join request {self.join_request_id} from cross-post {self.crosspost_id}"


class VisitDay(models.Model):
    """Visits to a cross-post's tracked link on one day of its community (for Insights'
    sources); `CrossPost.visit_count` keeps the running total."""

    crosspost = models.ForeignKey(CrossPost, on_delete=models.CASCADE, related_name="visit_days")
    day = models.DateField()
    visits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["crosspost", "day"], name="crossposting_visit_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.visits} visits to cross-post {self.crosspost_id} on {self.day}"
