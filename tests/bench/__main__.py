"""Run the benchmarks: `make bench` runs all, `python -m tests.bench home` only bench_home.
`--posts=N` sets SOSOON_BENCH_POSTS, the size of benchmarks that seed posts in bulk
(bench_daphne), for quick runs.

The run owns its database (tests/e2e/databases.py): a SQLite file in a temporary directory,
or `<name>_bench` next to DATABASE_URL's PostgreSQL database, migrated and seeded with demo
data here and removed afterwards. The developer's database is never opened. Set-up messages
go to stderr, so stdout carries only the JSON results.
"""

import importlib
import json
import os
import pkgutil
import sys
import tempfile
from pathlib import Path

import django
from django.core.management import call_command
from django.db import connections
from django.test import override_settings

from tests import bench
from tests.e2e.databases import scratch_database


def benchmark_names(requested: list[str]) -> list[str]:
    """The names in `requested`, or every bench_<name> module's name when it is empty."""
    available = sorted(
        module.name.removeprefix("bench_")
        for module in pkgutil.iter_modules(bench.__path__)
        if module.name.startswith("bench_")
    )
    unknown = sorted(set(requested) - set(available))
    if unknown:
        sys.exit(f"No benchmark named {', '.join(unknown)}; there are: {', '.join(available)}.")
    return requested or available


def main(requested: list[str]) -> None:
    names = benchmark_names(requested)
    with tempfile.TemporaryDirectory(prefix="sosoon-bench-") as workdir:
        configured_url = os.environ.get("DATABASE_URL", "")
        with scratch_database(configured_url, suffix="bench", directory=Path(workdir)) as url:
            os.environ.update(
                DJANGO_SETTINGS_MODULE="tests.bench.settings",
                # The development profile; tests/bench/settings.py then turns DEBUG off.
                DEBUG="1",
                DATABASE_URL=url,
                MEDIA_ROOT=str(Path(workdir) / "media"),
            )
            django.setup()
            try:
                call_command("migrate", interactive=False, verbosity=0)
                # seed_demo refuses DEBUG off (tests/bench/settings.py); this is a scratch
                # database, so the demo people and their shared password are wanted here.
                with override_settings(DEBUG=True):
                    call_command("seed_demo", stdout=sys.stderr)
                for name in names:
                    for result in importlib.import_module(f"tests.bench.bench_{name}").run():
                        print(json.dumps(result), flush=True)
            finally:
                connections.close_all()


if __name__ == "__main__":
    arguments = sys.argv[1:]
    for argument in [a for a in arguments if a.startswith("--posts=")]:
        os.environ["SOSOON_BENCH_POSTS"] = argument.removeprefix("--posts=")
        arguments.remove(argument)
    main(arguments)
