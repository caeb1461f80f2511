"""GET /healthz: JSON on the database, Redis and the job cluster's heartbeat.

The status code says whether this web process can serve (database and Redis); the cluster's
heartbeat is in the body, and `?strict=1` makes a stale or missing one a 503 as well.
"""

from datetime import timedelta

import httpx
import pytest
from django.conf import settings
from django.utils import timezone

from sosoon_site.models import Heartbeat
from sosoon_site.tasks import heartbeat
from tests.launcher import free_port
from tests.site.daphne import serving


def beat(minutes_ago: float) -> None:
    Heartbeat.objects.update_or_create(
        cluster=settings.Q_CLUSTER["name"],
        defaults={"beat_at": timezone.now() - timedelta(minutes=minutes_ago)},
    )


def test_right_after_install_the_worker_is_unknown_and_the_site_is_healthy(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"]) == ("ok", "ok")
    assert body["qcluster"] == {
        "state": "unknown",
        "last_heartbeat": None,
        "age_seconds": None,
        "stale_after_seconds": 180,
    }
    assert ("redis" in body) == bool(settings.REDIS_URL)


def test_a_heartbeat_the_cluster_just_ran_is_reported_with_its_time(client, db):
    heartbeat()
    recorded = Heartbeat.objects.get().beat_at

    body = client.get("/healthz").json()

    assert body["qcluster"]["state"] == "ok"
    assert body["qcluster"]["last_heartbeat"] == recorded.isoformat()
    assert body["qcluster"]["age_seconds"] <= 1
    assert client.get("/healthz?strict=1").status_code == 200


@pytest.mark.parametrize(
    ("minutes_ago", "state", "strict_status"),
    [(2.5, "ok", 200), (3.5, "stale", 503)],
)
def test_a_heartbeat_older_than_three_minutes_is_stale(
    client, db, minutes_ago, state, strict_status
):
    beat(minutes_ago)

    relaxed, strict = client.get("/healthz"), client.get("/healthz?strict=1")

    # A stopped worker does not take the web process out of rotation...
    assert relaxed.status_code == 200
    assert relaxed.json()["qcluster"]["state"] == state
    # ...but a monitor asking strictly is told.
    assert strict.status_code == strict_status
    assert strict.json()["status"] == ("ok" if strict_status == 200 else "unavailable")


def test_strict_health_check_fails_until_the_cluster_has_ever_run(client, db):
    assert client.get("/healthz?strict=1").status_code == 503


def test_health_check_reports_an_unreachable_database_with_503(tmp_path):
    closed = f"postgres://postgres@127.0.0.1:{free_port()}/sosoon"
    with serving(tmp_path, redis_url="", database=closed) as site:
        response = httpx.get(site.url("/healthz"), timeout=15)

    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"]) == ("unavailable", "unavailable")
    assert body["qcluster"]["state"] == "unknown"
    assert "redis" not in body
