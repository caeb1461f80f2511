"""The metrics time series, when each published cross-post is read next, and each rate-limit
bucket's use of its budget. Registered in the feeds app (feeds/models/__init__.py)."""

from django.db import models

from feeds.crossposting.models import CrossPost


class CrossPostMetric(models.Model):
    """One reading of a published cross-post's public counts, as the network reported them at
    `sampled_at` (totals since publishing, not deltas), with Sosoon's own visits and joins
    from its tracked link at the same moment, so both can be drawn side by side."""

    crosspost = models.ForeignKey(
        CrossPost, on_delete=models.CASCADE, related_name="metric_samples"
    )
    sampled_at = models.DateTimeField()
    # Metric name (feeds.crossposting.base.METRIC_NAMES) -> count.
    values = models.JSONField(default=dict)
    visits = models.PositiveIntegerField(default=0)
    joins = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["crosspost", "sampled_at"]
        indexes = [models.Index(fields=["crosspost", "sampled_at"], name="crosspost_metric_series")]

    def __str__(self) -> str:
        return f"Metrics of cross-post {self.crosspost_id} at {self.sampled_at:%Y-%m-%d %H:%M}"


class MetricsWatch(models.Model):
    """When a published cross-post is read next (None: no more readings) and, when its counts
    cannot be read, why, in words the owner can act on."""

    crosspost = models.OneToOneField(
        CrossPost, on_delete=models.CASCADE, related_name="metrics_watch"
    )
    next_fetch_at = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    # `note` as words each reader reads in their language (sosoon_site.languages); empty on
    # rows written before words were kept.
    note_words = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["next_fetch_at"], name="metrics_watch_due")]

    def __str__(self) -> str:
        return f"Metrics watch of cross-post {self.crosspost_id}"


class RateWindow(models.Model):
    """One rate-limit bucket (an account's token, or the application; limits.bucket_for):
    how many requests its current window has planned, how many of its reads are still
    running and when the last one finished, and until when a 429 paused it."""

    bucket = models.CharField(max_length=100, unique=True)
    window_started_at = models.DateTimeField()
    used = models.PositiveIntegerField(default=0)
    reads_open = models.PositiveIntegerField(default=0)
    last_request_at = models.DateTimeField(null=True, blank=True)
    paused_until = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.bucket}: {self.used} used since {self.window_started_at:%H:%M:%S}"
