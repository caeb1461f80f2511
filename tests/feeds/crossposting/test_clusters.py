"""Two q2 clusters at once on PostgreSQL: every due cross-post is published exactly once."""

import json
from collections import Counter

import pytest

from feeds.crossposting.sandbox.x import SandboxX
from tests.feeds.crossposting.clusters import clusters, python, seed, site_environment, wait_for

pytestmark = pytest.mark.postgres

COUNT = 60
# Extra one-off dispatch schedules due at once: the clusters' workers then claim concurrently.
RACING_DISPATCHES = 8


def test_two_clusters_publish_each_row_exactly_once(tmp_path):
    fake = SandboxX(latency=(0.02, 0.08)).start()
    providers = {
        "SOSOON_X_API_BASE": fake.url,
        "SOSOON_X_CLIENT_ID": fake.client_id,
        "SOSOON_X_CLIENT_SECRET": fake.client_secret,
    }
    try:
        with site_environment(
            suffix="xpost_clusters", workdir=tmp_path, providers=providers
        ) as env:
            access, refresh = fake.issue_tokens()
            seed(env, access=access, refresh=refresh, count=COUNT, delay=0)
            python(
                env,
                "from django_q.models import Schedule\n"
                f"for n in range({RACING_DISPATCHES}):\n"
                "    Schedule.objects.create(name=f'race-{n}', schedule_type=Schedule.ONCE,"
                " func='feeds.crossposting.tasks.dispatch_due_crossposts', repeats=1)",
            )
            # Small pools: the two clusters' processes share PostgreSQL's 100 connections with
            # the other test workers of CI's second pass.
            small_pools = {"SOSOON_DB_POOL_MAX_SIZE": "4", "SOSOON_CROSSPOST_CONCURRENCY": "3"}
            with clusters({**env, **small_pools}, count=2, workdir=tmp_path):
                done = wait_for(
                    lambda: len(fake.posts) >= COUNT and _statuses(env) == {"published": COUNT},
                    timeout=150,
                )
            statuses = _statuses(env)
    finally:
        fake.stop()

    logs = "\n".join(path.read_text() for path in tmp_path.glob("qcluster-*.log"))
    assert done, f"{statuses}\n{logs[-3000:]}"
    texts = Counter(post["text"] for post in fake.posts)
    assert len(texts) == COUNT and set(texts.values()) == {1}
    assert statuses == {"published": COUNT}


def _statuses(env) -> dict[str, int]:
    return json.loads(
        python(
            env,
            "import json\nfrom django.db.models import Count\n"
            "from feeds.crossposting.models import CrossPost\n"
            "print(json.dumps(dict(CrossPost.objects.values_list('status').annotate(n=Count('pk')))))",
        )
    )
