"""Membership: one person in one community, with a role, a tier and a status."""

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MODERATOR = "moderator", "Moderator"
    MEMBER = "member", "Member"


# Higher outranks lower: a person may only act on, and hand out, roles below their own.
ROLE_RANK = {Role.MEMBER: 0, Role.MODERATOR: 1, Role.ADMIN: 2, Role.OWNER: 3}


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    BANNED = "banned", "Banned"
    LEFT = "left", "Left or removed"


class MembershipQuerySet(models.QuerySet):
    def active(self) -> "MembershipQuerySet":
        return self.filter(status=MembershipStatus.ACTIVE)


class Membership(models.Model):
    """A person's place in a community. The row outlives leaving and bans, so a ban is
    remembered and blocks every way back in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    tier = models.ForeignKey(
        "communities.Tier", on_delete=models.PROTECT, related_name="memberships"
    )
    status = models.CharField(
        max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    joined_via_invitation = models.ForeignKey(
        "communities.Invitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Read-only until then: set by a moderator's mute, checked by `automod.is_muted`.
    muted_until = models.DateTimeField(null=True, blank=True)
    joined_via_request = models.ForeignKey(
        "communities.JoinRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["community", "joined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "community"], name="communities_membership_one_per_person"
            ),
            models.UniqueConstraint(
                fields=["community"],
                condition=models.Q(role=Role.OWNER),
                name="communities_membership_one_owner",
            ),
        ]
        indexes = [models.Index(fields=["community", "status"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.community} ({self.role}, {self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE

    @property
    def is_banned(self) -> bool:
        return self.status == MembershipStatus.BANNED

    @property
    def rank(self) -> int:
        return ROLE_RANK[self.role]
