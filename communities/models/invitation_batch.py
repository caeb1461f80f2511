"""A batch of email invitations sent in the background, with progress a page can poll."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from communities.models.membership import Role


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Sending")
    DONE = "done", _("Done")


class InvitationBatch(models.Model):
    """The addresses one person pasted or uploaded, and how far sending has got."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="invitation_batches"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    tier = models.ForeignKey("communities.Tier", on_delete=models.CASCADE, related_name="+")
    base_url = models.URLField(help_text="Where the site was reached, for links in the emails.")
    rows = models.JSONField(default=list, help_text="[row number, address as written] pairs.")
    status = models.CharField(
        max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    skipped_existing = models.PositiveIntegerField(default=0)
    skipped_duplicate = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "invitation batches"

    def __str__(self) -> str:
        return f"{self.total} email invitations to {self.community}"

    @property
    def processed(self) -> int:
        return self.sent + self.skipped_existing + self.skipped_duplicate + self.invalid

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.processed * 100 // self.total)

    @property
    def is_done(self) -> bool:
        return self.status == BatchStatus.DONE


class InvalidInvitationRow(models.Model):
    """One row of a batch that was not an email address, with the reason, for the report."""

    batch = models.ForeignKey(
        InvitationBatch, on_delete=models.CASCADE, related_name="invalid_rows"
    )
    row_number = models.PositiveIntegerField()
    value = models.CharField(max_length=300)
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["batch", "row_number"]

    def __str__(self) -> str:
        return f"Row {self.row_number}: {self.reason}"
