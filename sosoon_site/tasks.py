"""Site-wide background jobs run by the django-q2 cluster."""

from django.utils import timezone


def heartbeat() -> str:
    """Prove the cluster runs: the admin's Scheduled tasks page shows this job's last run."""
    return f"alive at {timezone.now().isoformat()}"
