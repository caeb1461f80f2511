"""django-q2 jobs: thin wrappers that look a row up and call a service."""

from communities.services.email_invitations import do_send_invitation_batch


def send_invitation_batch(batch_id: int) -> None:
    """Send one batch of email invitations (queued by check_start_invitation_batch)."""
    do_send_invitation_batch(batch_id)
