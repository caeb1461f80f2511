"""Invitations: links (optionally for one email address) that let people into a community."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models.membership import Role

TOKEN_BYTES = 24  # 192 bits; token_urlsafe(24) is always 32 characters
TOKEN_PATTERN = r"[A-Za-z0-9_-]{32}"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class InvitationState(models.TextChoices):
    """Why an invitation can or cannot be used right now."""

    USABLE = "usable", _("Usable")
    EXPIRED = "expired", _("Expired")
    USED_UP = "used_up", _("Used up")
    REVOKED = "revoked", _("Revoked")


class Invitation(models.Model):
    """A token that grants a role and a tier. Email invitations name their `email` and are
    single-use; links may allow many uses."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="invitations"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(blank=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    tier = models.ForeignKey("communities.Tier", on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField(null=True, blank=True)
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    use_count = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)
    batch = models.ForeignKey(
        "communities.InvitationBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_uses__isnull=True) | models.Q(max_uses__gte=1),
                name="communities_invitation_max_uses_positive",
            ),
        ]
        indexes = [models.Index(fields=["community", "email"])]

    def __str__(self) -> str:
        return f"Invitation to {self.community} ({self.email or 'link'})"

    def get_absolute_url(self) -> str:
        return reverse("communities:invitation", kwargs={"token": self.token})

    def state(self, *, now=None) -> InvitationState:
        """Whether the token could be redeemed now, ignoring who redeems it."""
        now = now or timezone.now()
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.expires_at is not None and self.expires_at <= now:
            return InvitationState.EXPIRED
        if self.max_uses is not None and self.use_count >= self.max_uses:
            return InvitationState.USED_UP
        return InvitationState.USABLE
