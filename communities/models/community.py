"""A community: a named group of people with its own rules for who may find and join it."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from communities.models.membership import MembershipStatus
from sosoon_site.accounts.models import validate_time_zone


class Discoverability(models.TextChoices):
    LISTED = "listed", _("Listed: anyone can find it and ask to join")
    UNLISTED = "unlisted", _("Unlisted: invite only, invisible to non-members")


def site_time_zone() -> str:
    """The site's time zone (settings.TIME_ZONE): a community's until its owner's is known."""
    return settings.TIME_ZONE


class CommunityQuerySet(models.QuerySet):
    def listed(self) -> "CommunityQuerySet":
        """Communities that appear in the directory."""
        return self.filter(discoverability=Discoverability.LISTED)

    def of_member(self, user) -> "CommunityQuerySet":
        """Communities where `user` is an active member."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user, memberships__status=MembershipStatus.ACTIVE)


class Community(models.Model):
    """Name, slug and look of a community, plus who may find and join it.

    `owner` mirrors the single membership with role owner (kept in step by
    `transfer_ownership`), so "who owns this" needs no join.
    """

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(max_length=2000, blank=True)
    avatar = models.ImageField(upload_to="communities/avatars/%Y/%m/", blank=True)
    cover = models.ImageField(upload_to="communities/covers/%Y/%m/", blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_communities"
    )
    discoverability = models.CharField(
        max_length=10, choices=Discoverability.choices, default=Discoverability.UNLISTED
    )
    member_cap = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Most active members allowed; empty for no limit.")
    )
    allow_public_teasers = models.BooleanField(
        default=False, help_text=_("Members may publish public teaser posts.")
    )
    auto_approve_domains = models.TextField(
        blank=True,
        help_text=_("Email domains whose people are let in without review, one per line."),
    )
    # Insights count days from midnight to midnight here; set from the owner's at creation.
    time_zone = models.CharField(
        max_length=64,
        default=site_time_zone,
        validators=[validate_time_zone],
        help_text=_("Insights count each day from midnight to midnight in this time zone."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "communities"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="communities_community_name_ci_unique",
                violation_error_message=_("Another community already has this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communities:home", kwargs={"slug": self.slug})

    @property
    def is_listed(self) -> bool:
        return self.discoverability == Discoverability.LISTED

    def allowed_domains(self) -> set[str]:
        """The auto-approve allow-list, lower-cased, without blanks or leading '@'."""
        return {
            line.strip().lstrip("@").lower()
            for line in self.auto_approve_domains.splitlines()
            if line.strip()
        }
