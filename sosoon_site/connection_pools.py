"""Connection pools across fork: a child process starts with no pool of its parent's.

The q2 cluster forks its workers (and forks replacements for any that die) from a process
that has already used the database: its scheduler reads the schedules. Django keeps each
process's psycopg pool in a class attribute, so a forked child would inherit the parent's
pool: its idle connections are the very sockets the parent goes on using (two processes
talking over one PostgreSQL session corrupt it), and its worker threads did not survive the
fork. After a fork the child forgets those pools, leaving the sockets to the parent (psycopg
never closes, in a child, a connection its parent opened), and opens its own on first use.
"""

import os

from django.db.backends.postgresql.base import DatabaseWrapper


def forget_inherited_pools() -> None:
    """Drop, in a freshly forked child, the pools it inherited; they stay the parent's."""
    DatabaseWrapper._connection_pools.clear()


def forget_pools_in_forked_children() -> None:
    """Make every fork of this process forget its connection pools in the child."""
    os.register_at_fork(after_in_child=forget_inherited_pools)
