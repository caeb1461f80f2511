import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("feeds", "0006_crosspost_tiktok_interaction"),
    ]

    operations = [
        migrations.CreateModel(
            name="CrossPostMetric",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sampled_at", models.DateTimeField()),
                ("values", models.JSONField(default=dict)),
                ("visits", models.PositiveIntegerField(default=0)),
                ("joins", models.PositiveIntegerField(default=0)),
                (
                    "crosspost",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="metric_samples",
                        to="feeds.crosspost",
                    ),
                ),
            ],
            options={
                "ordering": ["crosspost", "sampled_at"],
                "indexes": [
                    models.Index(fields=["crosspost", "sampled_at"], name="crosspost_metric_series")
                ],
            },
        ),
        migrations.CreateModel(
            name="MetricsWatch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("next_fetch_at", models.DateTimeField(blank=True, null=True)),
                ("last_fetched_at", models.DateTimeField(blank=True, null=True)),
                ("note", models.TextField(blank=True)),
                (
                    "crosspost",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="metrics_watch",
                        to="feeds.crosspost",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["next_fetch_at"], name="metrics_watch_due")],
            },
        ),
        migrations.CreateModel(
            name="RateWindow",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("bucket", models.CharField(max_length=100, unique=True)),
                ("window_started_at", models.DateTimeField()),
                ("used", models.PositiveIntegerField(default=0)),
                ("reads_open", models.PositiveIntegerField(default=0)),
                ("last_request_at", models.DateTimeField(blank=True, null=True)),
                ("paused_until", models.DateTimeField(blank=True, null=True)),
                ("reason", models.TextField(blank=True)),
            ],
        ),
    ]
