"""django-q2 jobs: thin wrappers that look a row up and call a service."""

from communities.chat.services import do_purge_expired_messages
from communities.services.email_invitations import do_send_invitation_batch


def send_invitation_batch(batch_id: int) -> None:
    """Send one batch of email invitations (queued by check_start_invitation_batch)."""
    do_send_invitation_batch(batch_id)


def purge_expired_chat_messages() -> str:
    """Daily: delete chat messages older than their room's retention period."""
    return f"deleted {do_purge_expired_messages()} chat messages"
