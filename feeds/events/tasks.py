"""django-q2 entry point for event reminders: a thin wrapper over services/reminders.py."""

from feeds.events.services.reminders import send_due_reminders


def send_event_reminders() -> str:
    """Every minute (sosoon_site/jobs.py): remind the people going, once each."""
    return f"sent {send_due_reminders()} event reminder(s)"
