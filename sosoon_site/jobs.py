"""Periodic jobs, kept in the database by name so every deployment has the same schedule."""

from datetime import timedelta

from django.utils import timezone
from django_q.models import Schedule

# Cross-posts are dispatched, and the mail outbox swept, by one job each on two schedules, each
# once a minute and half a minute apart: q2's scheduler wakes every 30 s, so the job runs at
# every wake. Setting both start times together on each migrate keeps them exactly 30 s apart.
_DISPATCH_START = timezone.now()

SCHEDULES = [
    {
        "name": "crossposts-dispatch",
        "func": "feeds.crossposting.tasks.dispatch_due_crossposts",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
        "next_run": _DISPATCH_START,
    },
    {
        "name": "crossposts-dispatch-half-minute",
        "func": "feeds.crossposting.tasks.dispatch_due_crossposts",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
        "next_run": _DISPATCH_START + timedelta(seconds=30),
    },
    {
        "name": "crossposts-metrics",
        "func": "feeds.crossposting.metrics.tasks.sweep_metrics",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
    {
        "name": "crossposts-token-renewal",
        "func": "feeds.crossposting.tasks.refresh_expiring_accounts",
        "schedule_type": Schedule.DAILY,
    },
    {
        "name": "mail-sweep",
        "func": "sosoon_site.mail.tasks.sweep_outbox",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
        "next_run": _DISPATCH_START,
    },
    {
        "name": "mail-sweep-half-minute",
        "func": "sosoon_site.mail.tasks.sweep_outbox",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
        "next_run": _DISPATCH_START + timedelta(seconds=30),
    },
    {
        # Access changes at a step's time without it; this only tells the newly reached.
        "name": "releases-announce",
        "func": "feeds.releases.tasks.announce_releases",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
    {
        "name": "event-reminders",
        "func": "feeds.events.tasks.send_event_reminders",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
    {
        "name": "heartbeat",
        "func": "sosoon_site.tasks.heartbeat",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
    {
        "name": "digests-dispatch",
        "func": "feeds.digests.tasks.dispatch_digests",
        "schedule_type": Schedule.HOURLY,
    },
    {
        "name": "insights-rollup",
        "func": "feeds.insights.tasks.roll_up_insights",
        "schedule_type": Schedule.HOURLY,
    },
    {
        # Each community's week is due from its own Monday midnight, once Sunday is rolled up.
        "name": "insights-weekly",
        "func": "feeds.insights.tasks.send_weekly_insights",
        "schedule_type": Schedule.HOURLY,
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
