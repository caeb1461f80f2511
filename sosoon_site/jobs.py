"""Periodic jobs, kept in the database by name so every deployment has the same schedule."""

from django_q.models import Schedule

SCHEDULES = [
    {
        "name": "heartbeat",
        "func": "sosoon_site.tasks.heartbeat",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
    {
        "name": "chat-retention",
        "func": "communities.tasks.purge_expired_chat_messages",
        "schedule_type": Schedule.DAILY,
    },
]


def ensure_schedules(app_config, using="default", **kwargs) -> None:
    """Create or update each schedule after django_q's tables exist (post_migrate)."""
    if app_config.label != "django_q":
        return
    for spec in SCHEDULES:
        fields = {key: value for key, value in spec.items() if key != "name"}
        Schedule.objects.using(using).update_or_create(
            name=spec["name"], defaults={**fields, "repeats": -1}
        )
