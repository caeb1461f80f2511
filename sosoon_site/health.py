"""What /healthz reports: can this web process serve, and is the job cluster alive?

The status code answers the load balancer's question only: 503 when the database or Redis
(when configured) does not answer, because then this process cannot serve pages. The job
cluster's heartbeat is reported in the body; a stopped worker does not make pages fail, and
taking every web process out of rotation for it would turn a late job into an outage. A
monitor that should alert on the worker asks `/healthz?strict=1`, which also answers 503
when the heartbeat is stale or has never been recorded.
"""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone
from redis.exceptions import RedisError

from sosoon_site.models import Heartbeat

# The heartbeat runs every minute and q2's scheduler wakes every 30 s, so a live cluster's
# last beat is at most about 90 s old; three minutes is two missed beats.
STALE_AFTER = timedelta(minutes=3)
OK, UNAVAILABLE = "ok", "unavailable"


def health(*, strict: bool = False) -> tuple[int, dict]:
    """The status code and JSON body of /healthz."""
    body = {"status": OK, "database": _database()}
    if settings.REDIS_URL:
        body["redis"] = _redis()
    body["qcluster"] = _qcluster(database_up=body["database"] == OK)
    serving = body["database"] == OK and body.get("redis", OK) == OK
    worker_alive = body["qcluster"]["state"] == OK
    if not serving or (strict and not worker_alive):
        body["status"] = UNAVAILABLE
        return 503, body
    return 200, body


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return UNAVAILABLE
    return OK


def _redis() -> str:
    # The cache, the channel layer and the job queue share REDIS_URL; the cache's client
    # fails within its short timeouts (settings.CACHES), so a dead Redis cannot hang probes.
    try:
        cache.get("healthz")
    except RedisError:
        return UNAVAILABLE
    return OK


def _qcluster(*, database_up: bool) -> dict:
    """The heartbeat's state: "ok", "stale" (older than STALE_AFTER) or "unknown" (never
    recorded, e.g. right after installing, or the database cannot be read)."""
    report = {
        "state": "unknown",
        "last_heartbeat": None,
        "age_seconds": None,
        "stale_after_seconds": int(STALE_AFTER.total_seconds()),
    }
    if not database_up:
        return report
    try:
        beat = Heartbeat.objects.filter(cluster=settings.Q_CLUSTER["name"]).first()
    except DatabaseError:
        return report
    if beat is None:
        return report
    age = timezone.now() - beat.beat_at
    report.update(
        state="stale" if age > STALE_AFTER else OK,
        last_heartbeat=beat.beat_at.isoformat(),
        age_seconds=max(0, round(age.total_seconds())),
    )
    return report
