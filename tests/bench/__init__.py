"""Benchmarks, run by `make bench` (`python -m tests.bench`); not part of the test run.

Each module `bench_<name>.py` here exposes `run()`, returning or yielding dicts; the runner
prints every dict as one JSON line on stdout. A benchmark reports its numbers next to a floor
measured in the same run, the same way, so results compare across machines as ratios. The
runner (__main__.py) has already set up Django on a migrated, seeded database, so a
benchmark can query the demo data directly.
"""
