"""`python -m tests.rehearsal`: build the install, soak it, print one summary line, and exit
non-zero when a check failed or anything broke. Everything it started is stopped by PID on the
way out, also on failure, Ctrl-C or SIGTERM.

PostgreSQL: DATABASE_URL's server, database `<its name>_rehearsal` (created, then dropped).
Redis: REDIS_URL's database (flushed at the start and the end; 11, CI's, when unset).
"""

import argparse
import asyncio
import os
import signal
import sys
import time
import traceback

from tests.rehearsal.sandbox import sandbox_network
from tests.rehearsal.seed import seed
from tests.rehearsal.soak import Plan, Soak
from tests.rehearsal.topology import Sizing, log_tails, rehearsed_install

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/sosoon"
DEFAULT_REDIS = "redis://127.0.0.1:6379/11"


def arguments() -> argparse.Namespace:
    plan, sizing = Plan(), Sizing()
    parser = argparse.ArgumentParser(prog="python -m tests.rehearsal", description=__doc__)
    parser.add_argument("--sockets", type=int, default=plan.sockets, help="chat sockets")
    parser.add_argument("--members", type=int, default=24, help="seeded members who sign in")
    parser.add_argument("--rounds", type=int, default=plan.rounds, help="walks per member")
    parser.add_argument("--uploads", type=int, default=plan.uploads, help="images posted")
    parser.add_argument(
        "--messages", type=int, default=plan.messages_per_sender, help="chat messages per sender"
    )
    parser.add_argument("--pool-max", type=int, default=sizing.pool_max)
    parser.add_argument("--q-workers", type=int, default=sizing.q_workers)
    parser.add_argument("--keep", action="store_true", help="keep the install's files")
    return parser.parse_args()


def main() -> int:
    options = arguments()
    started = time.monotonic()
    # systemd and CI stop with SIGTERM: unwind like Ctrl-C so every process is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sizing = Sizing(
        pool_max=options.pool_max,
        q_workers=options.q_workers,
        crosspost_concurrency=options.pool_max - 1,
    )
    plan = Plan(
        sockets=options.sockets,
        rounds=options.rounds,
        uploads=options.uploads,
        messages_per_sender=options.messages,
    )
    log = lambda line: print(line, flush=True)  # noqa: E731
    try:
        with (
            sandbox_network() as sandbox,
            rehearsed_install(
                configured_database=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE,
                redis_url=os.environ.get("REDIS_URL") or DEFAULT_REDIS,
                sizing=sizing,
                providers=sandbox.providers,
                log=log,
                keep=options.keep,
            ) as install,
        ):
            log(f"rehearsal: up in {time.monotonic() - started:.0f} s; seeding")
            try:
                cast = seed(install, members=options.members, x_account=sandbox.account)
                figures = asyncio.run(Soak(install, cast, sandbox, plan, log=log).run())
                failures = figures.failures()
            except BaseException:
                log(log_tails(install))
                raise
            if failures:
                log(log_tails(install))
            if install.user_note:
                log(f"rehearsal: {install.user_note}")
            log(figures.summary(install))
    except Exception:
        traceback.print_exc()
        print("rehearsal: 0 passed, 1 failed")
        return 1
    for failure in failures:
        print(f"rehearsal FAILED: {failure}")
    print(f"rehearsal: took {time.monotonic() - started:.0f} s in all")
    print(f"rehearsal: {0 if failures else 1} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
