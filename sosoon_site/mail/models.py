"""One row per message waiting for, undergoing or done with delivery."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MailStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutgoingMail(models.Model):
    """A message as its sender wrote it (`message`: the fields of a Django EmailMessage) and
    where its delivery stands. `last_error` says, for a person, why the last attempt failed."""

    status = models.CharField(max_length=10, choices=MailStatus, default=MailStatus.PENDING)
    subject = models.CharField(max_length=300, blank=True)
    recipients = models.JSONField(default=list, help_text=_("Every address of To, Cc and Bcc."))
    message = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="mail_due")]

    def __str__(self) -> str:
        return f"{self.subject or '(no subject)'} to {', '.join(self.recipients)}"
