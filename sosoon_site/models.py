"""Site-wide records: when the background-job cluster last proved it runs."""

from django.db import models


class Heartbeat(models.Model):
    """The last run of the heartbeat job, one row per cluster name. /healthz reads it by
    primary key: cheaper and longer-lived than django-q2's task results, which it prunes."""

    cluster = models.CharField(max_length=100, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.cluster} at {self.beat_at.isoformat()}"
