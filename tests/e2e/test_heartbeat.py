"""The django-q2 cluster runs the heartbeat schedule, and the admin shows that it ran."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.login_form import submit_login

pytestmark = pytest.mark.browser

# django-q2's guard loop calls the scheduler once its cycles add up to 30 s (cluster.py,
# `counter >= 30`): the first pass comes 30 s after the cluster starts, never at once. That
# pass queues the heartbeat (its next_run is the time migrate created it), and a worker takes
# it from the ORM broker within one 1 s poll. 60 s leaves room for a slow start, no more.
HEARTBEAT_WITHIN_SECONDS = 60

SCHEDULE_EXISTS = """
from django_q.models import Schedule
print(Schedule.objects.filter(name="heartbeat").exists())
"""
# The name of the heartbeat's last task if it ran and succeeded; empty until then.
LAST_SUCCESSFUL_RUN = """
from django_q.models import Schedule, Success
schedule = Schedule.objects.get(name="heartbeat")
run = Success.objects.filter(id=schedule.task, func="sosoon_site.tasks.heartbeat").first()
print(run.name if run else "")
"""


def wait_for_heartbeat(live, cluster) -> str:
    """The name of the heartbeat task once the cluster has run it; fail after the bound."""
    deadline = time.monotonic() + HEARTBEAT_WITHIN_SECONDS
    while time.monotonic() < deadline:
        if cluster.process.poll() is not None:
            pytest.fail(f"qcluster exited with {cluster.process.returncode}:\n{cluster.output()}")
        if task_name := live.python(LAST_SUCCESSFUL_RUN):
            return task_name
        time.sleep(1)
    pytest.fail(
        f"the heartbeat did not run within {HEARTBEAT_WITHIN_SECONDS} s:\n{cluster.output()}"
    )


def test_cluster_runs_the_heartbeat_and_the_admin_shows_its_last_run(live, page):
    assert live.python(SCHEDULE_EXISTS) == "True", "migrate did not create the heartbeat"

    with live.running("qcluster") as cluster:
        task_name = wait_for_heartbeat(live, cluster)

    page.goto("/admin/django_q/schedule/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    submit_login(page, "admin@demo.sosoon.test")
    expect(page).to_have_url(live.url("/admin/django_q/schedule/"))
    heartbeat = page.get_by_role("row").filter(has=page.get_by_role("link", name="heartbeat"))
    expect(heartbeat.locator(".field-get_last_run")).to_have_text(f"[{task_name}]")
    expect(heartbeat.locator(".field-get_success img")).to_have_attribute("alt", "True")
