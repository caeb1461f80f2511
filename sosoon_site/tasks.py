"""Site-wide background jobs run by the django-q2 cluster."""

from django.conf import settings
from django.utils import timezone

from sosoon_site.models import Heartbeat


def heartbeat() -> str:
    """Prove the cluster runs: record the time for /healthz (the admin's Scheduled tasks page
    shows the job's last run too)."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(
        cluster=settings.Q_CLUSTER["name"], defaults={"beat_at": now}
    )
    return f"alive at {now.isoformat()}"
