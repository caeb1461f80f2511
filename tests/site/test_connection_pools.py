"""A forked process (a q2 worker) opens connections of its own, never its parent's.

The q2 cluster forks workers from a process that has used the database. Were the child to
take a connection from the pool it inherited, two processes would talk over one PostgreSQL
session, and each would read the other's answers.
"""

import os

import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def one_value(sql: str):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def sessions_on_this_database() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return {pid for (pid,) in cursor.fetchall()} | {one_value("SELECT pg_backend_pid()")}


def test_a_forked_child_uses_a_session_of_its_own_and_the_parent_keeps_its():
    parents = sessions_on_this_database()  # only this process uses the test database
    connection.close()  # back into the pool, idle, as before q2 forks a worker
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:
        code = 1
        try:
            os.write(writing, str(one_value("SELECT pg_backend_pid()")).encode())
            connection.close()
            code = 0
        finally:
            os._exit(code)  # as multiprocessing ends a worker: no clean-up
    os.close(writing)
    with os.fdopen(reading) as answer:
        child_session = int(answer.read() or 0)
    _, status = os.waitpid(child, 0)

    assert os.waitstatus_to_exitcode(status) == 0
    assert child_session and child_session not in parents
    assert one_value("SELECT pg_backend_pid()") in parents
    assert parents <= sessions_on_this_database()
