"""django-q2 entry point: a thin wrapper over services.do_announce_due_steps."""

from feeds.releases.services import do_announce_due_steps


def announce_releases() -> str:
    """Every minute: tell the people each release step that came due newly reaches, once."""
    return f"announced {do_announce_due_steps()} release step(s)"
