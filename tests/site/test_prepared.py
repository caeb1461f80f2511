"""Prepared queries: compiled once per shape, they return what the ORM returns for every set
of values, and refuse queries whose text depends on the values or whose build reads rows."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sosoon_site.accounts.models import User
from sosoon_site.prepared import IdIn, NotPreparable, prepared_rows
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class Counting:
    """A build that counts how often it runs: once per shape is the point."""

    def __init__(self, build):
        self.build, self.calls = build, 0

    def __call__(self, **values):
        self.calls += 1
        return self.build(**values)


def people(*, lowest, skip, joined_after, among):
    return (
        User.objects.filter(pk__gte=lowest, date_joined__gt=joined_after)
        .exclude(pk=skip)
        .filter(IdIn("pk", among))
        .order_by("pk")
        .values_list("pk", "date_joined")
    )


def test_prepared_rows_match_the_orm_for_every_set_of_values():
    users = [UserFactory() for _ in range(6)]
    now = timezone.now()
    User.objects.filter(pk=users[1].pk).update(date_joined=now - timedelta(days=3))
    build = Counting(people)
    cases = [
        dict(lowest=users[0].pk, skip=users[2].pk, joined_after=now - timedelta(days=1)),
        dict(lowest=users[3].pk, skip=users[5].pk, joined_after=now - timedelta(days=7)),
        dict(lowest=users[0].pk, skip=users[0].pk, joined_after=now - timedelta(days=7)),
    ]
    for values in cases:
        for among in ([u.pk for u in users[:4]], [u.pk for u in users[2:6]]):
            got = prepared_rows("test.people", build, **values, among=among)
            assert got == list(people(**values, among=among))
    # Two builds to prepare the one shape (four ids), none afterwards.
    assert build.calls == 2
    assert got and all(joined.tzinfo is not None for _, joined in got)


def test_each_shape_is_prepared_once():
    user = UserFactory()
    build = Counting(people)
    values = dict(lowest=0, skip=0, joined_after=timezone.now() - timedelta(days=1))
    assert prepared_rows("test.shape", build, **values, among=[user.pk]) == list(
        people(**values, among=[user.pk])
    )
    prepared_rows("test.shape", build, **values, among=[user.pk, user.pk + 1])
    prepared_rows("test.shape", build, **values, among=[user.pk + 2, user.pk])
    assert build.calls == 4
    assert prepared_rows("test.shape", build, **values, among=[]) == []


def test_a_prepared_query_costs_one_query_and_no_build():
    build = Counting(people)
    values = dict(lowest=0, skip=0, joined_after=timezone.now(), among=[1, 2])
    prepared_rows("test.cost", build, **values)
    with CaptureQueriesContext(connection) as queries:
        prepared_rows("test.cost", build, **values)
    assert len(queries) == 1 and build.calls == 2


def test_a_query_the_orm_knows_is_empty_returns_nothing_without_asking():
    UserFactory()

    def none_of(*, lowest):
        return User.objects.filter(pk__gte=lowest, pk__in=[]).values_list("pk")

    with CaptureQueriesContext(connection) as queries:
        assert prepared_rows("test.empty", none_of, lowest=0) == []
        assert prepared_rows("test.empty", none_of, lowest=1) == []
    assert len(queries) == 0


def test_a_query_whose_text_depends_on_its_values_is_refused():
    def inlined(*, lowest):
        # The value written into the SQL text instead of passed as a parameter.
        return User.objects.annotate(lowest=RawSQL(str(int(lowest)), [])).values_list("lowest")

    with pytest.raises(NotPreparable, match="SQL changes"):
        prepared_rows("test.inlined", inlined, lowest=3)


def test_a_build_that_reads_rows_is_refused():
    UserFactory()

    def reads(*, lowest):
        found = list(User.objects.filter(pk__gte=lowest).values_list("pk", flat=True))
        return User.objects.filter(pk__in=found).values_list("pk")

    with pytest.raises(NotPreparable, match="read the database"):
        prepared_rows("test.reads", reads, lowest=0)


def test_values_must_be_ids_times_or_lists_of_ids():
    with pytest.raises(NotPreparable, match="str"):
        prepared_rows("test.text", people, lowest="1", skip=0, joined_after=None, among=[])


@pytest.mark.django_db(transaction=True)
def test_each_thread_prepares_on_its_own_connection():
    build = Counting(people)
    values = dict(lowest=0, skip=0, joined_after=timezone.now() - timedelta(days=1), among=[1])
    prepared_rows("test.thread", build, **values)
    results = []

    def other_thread():
        try:
            results.append(prepared_rows("test.thread", build, **values))
        finally:
            connection.close()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert results == [[]] and build.calls == 4
