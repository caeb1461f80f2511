"""The site's EMAIL_BACKEND: it saves each message to the outbox instead of sending it.

Every sender (allauth's verification and password-reset mail, invitations, notices) calls
Django's mail API unchanged and gets the outbox's guarantees. The backend that really delivers
is settings.SOSOON_MAIL_DELIVERY_BACKEND (SMTP in production), used only by the outbox's jobs.
"""

from django.core.mail.backends.base import BaseEmailBackend

from sosoon_site.mail.outbox import queue_mail


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        """Save every message that has a recipient; the number saved."""
        saved = 0
        for message in email_messages:
            if not message.recipients():
                continue
            try:
                queue_mail(message)
            except Exception:
                if not self.fail_silently:
                    raise
            else:
                saved += 1
        return saved
