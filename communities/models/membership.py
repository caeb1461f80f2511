"""Membership: one person in one community, with a role, a tier and a status."""

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    MODERATOR = "moderator", _("Moderator")
    MEMBER = "member", _("Member")


# Higher outranks lower: a person may only act on, and hand out, roles below their own.
ROLE_RANK = {Role.MEMBER: 0, Role.MODERATOR: 1, Role.ADMIN: 2, Role.OWNER: 3}


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    BANNED = "banned", _("Banned")
    LEFT = "left", _("Left or removed")


class ChangeKind(models.TextChoices):
    JOINED = "joined", _("Joined")
    LEFT = "left", _("Left or removed")
    BANNED = "banned", _("Banned")
    TIER = "tier", _("Changed tier")


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

    def save(self, *args, **kwargs):
        """Save, and append a `MembershipChange` when the status or tier moved, so the
        community's history (Insights' members per day) holds every way a row is written."""
        kind = self._change_since_saved()
        with transaction.atomic():
            super().save(*args, **kwargs)
            if kind is not None:
                joined = kind == ChangeKind.JOINED
                MembershipChange.objects.create(
                    community_id=self.community_id,
                    user_id=self.user_id,
                    kind=kind,
                    tier_id=self.tier_id,
                    via_invitation_id=self.joined_via_invitation_id if joined else None,
                    via_request_id=self.joined_via_request_id if joined else None,
                    at=timezone.now(),
                )
        self._saved_state = self._state_now()

    @classmethod
    def from_db(cls, db, field_names, values):
        membership = super().from_db(db, field_names, values)
        membership._saved_state = membership._state_now()
        return membership

    def _state_now(self) -> tuple[str | None, int | None]:
        return self.__dict__.get("status"), self.__dict__.get("tier_id")

    def _change_since_saved(self) -> str | None:
        """What this save changes for the history: a join, a departure, a ban, a new tier."""
        if self._state.adding:
            before_status, before_tier = None, None
        else:
            before_status, before_tier = getattr(self, "_saved_state", (None, None))
            if before_status is None:  # loaded without its status: nothing known to compare
                return None
        if self.status == before_status:
            if self.is_active and before_tier is not None and self.tier_id != before_tier:
                return ChangeKind.TIER
            return None
        if self.status == MembershipStatus.ACTIVE:
            return ChangeKind.JOINED
        if self.status == MembershipStatus.BANNED:
            return ChangeKind.BANNED
        # Lifting a ban (banned -> left) is no departure: they had already gone.
        return ChangeKind.LEFT if before_status == MembershipStatus.ACTIVE else None

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE

    @property
    def is_banned(self) -> bool:
        return self.status == MembershipStatus.BANNED

    @property
    def rank(self) -> int:
        return ROLE_RANK[self.role]


class MembershipChange(models.Model):
    """One step in a person's history in a community, appended by `Membership.save`, never
    edited: the membership row keeps only the present, Insights needs each day's."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="membership_changes"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ChangeKind.choices)
    # The tier the person holds after the change; a deleted tier leaves the history unnamed.
    tier = models.ForeignKey(
        "communities.Tier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # How a join came about (Insights' sources): the invitation or join request it went through.
    via_invitation = models.ForeignKey(
        "communities.Invitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    via_request = models.ForeignKey(
        "communities.JoinRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["community", "at"], name="communities_change_at")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} in {self.community_id} at {self.at:%Y-%m-%d %H:%M}"
