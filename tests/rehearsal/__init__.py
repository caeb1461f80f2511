"""The production rehearsal (`make rehearse`, CI's third pass): the topology of docs/deploy.md
built from deploy/ on this machine, then a bounded soak through nginx over HTTPS, then checks.
Run `python -m tests.rehearsal --help` for its knobs."""
