"""Join requests: a stranger asking to be let into a listed community."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class JoinRequest(models.Model):
    """One request; `decided_by` is empty when an auto-approve rule let the person in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=10, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "community"],
                condition=models.Q(status="pending"),
                name="communities_joinrequest_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} asks to join {self.community} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == JoinRequestStatus.PENDING
