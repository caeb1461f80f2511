"""`manage.py qcluster` and its Redis: one clear line when Redis is gone, a heartbeat that
/healthz reports when it is there."""

import subprocess
import sys
import time

import httpx
import pytest
from django.conf import settings

from tests.launcher import free_port, stop
from tests.site.daphne import private_redis, serving, site_environment

# q2's scheduler first runs 30 s after the cluster starts (tests/e2e/test_heartbeat.py).
HEARTBEAT_WITHIN_SECONDS = 75


def test_qcluster_with_redis_down_stops_with_one_line_naming_redis_url(tmp_path):
    port = free_port()
    env = site_environment(redis_url=f"redis://127.0.0.1:{port}/0", database="sqlite:///:memory:")

    result = subprocess.run(
        [sys.executable, "manage.py", "qcluster"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"qcluster cannot start: Redis at REDIS_URL (127.0.0.1:{port})")
    assert "Connection refused" in lines[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_qcluster_on_redis_records_a_heartbeat_that_the_health_check_reports(tmp_path):
    with private_redis(tmp_path) as redis, serving(tmp_path, redis_url=redis.url) as site:
        assert httpx.get(site.url("/healthz")).json()["qcluster"]["state"] == "unknown"
        cluster = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=settings.BASE_DIR, env=site_environment(redis_url=redis.url),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            report = wait_for_heartbeat(site, cluster)
        finally:
            stop(cluster)

    assert report["status"] == "ok"
    assert report["redis"] == "ok"
    assert report["qcluster"]["state"] == "ok"
    assert report["qcluster"]["age_seconds"] < 60


def wait_for_heartbeat(site, cluster: subprocess.Popen) -> dict:
    deadline = time.monotonic() + HEARTBEAT_WITHIN_SECONDS
    while time.monotonic() < deadline:
        if cluster.poll() is not None:
            pytest.fail(f"qcluster exited with {cluster.returncode}:\n{cluster.stderr.read()}")
        report = httpx.get(site.url("/healthz"), timeout=10).json()
        if report["qcluster"]["state"] == "ok":
            return report
        time.sleep(1)
    pytest.fail(f"no heartbeat within {HEARTBEAT_WITHIN_SECONDS} s")
