"""Compiled queries: the rows the plain ORM gives, compiled once per process and shape, shared
by every thread, holding no connection, and refusing a query whose text depends on a value."""

import gc
import threading
import weakref
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feeds.insights.models import CohortWeek
from feeds.lookups import IdIn
from sosoon_site.accounts.models import User
from sosoon_site.compiled_queries import NotCompilable, compiled_rows, forget_compiled_queries
from tests.factories import UserFactory, create_community

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def empty_cache():
    forget_compiled_queries()
    yield
    forget_compiled_queries()


def handles_after(*, after: int):
    return User.objects.filter(pk__gt=after).order_by("pk").values_list("pk", "handle")


def test_rows_are_the_orm_rows_for_each_value():
    people = [UserFactory() for _ in range(3)]
    for person in [people[0], people[1]]:
        found = compiled_rows("after", handles_after, after=person.pk)
        assert found == list(handles_after(after=person.pk))
    assert compiled_rows("after", handles_after, after=people[2].pk) == []


def test_lists_datetimes_and_counts_come_back_as_the_orm_gives_them():
    people = [UserFactory() for _ in range(3)]
    wanted = [people[2].pk, people[0].pk]
    since = timezone.now() - timedelta(days=1)

    def joined(*, ids, since):
        return (
            User.objects.filter(IdIn("pk", ids), date_joined__gte=since)
            .order_by("pk")
            .values_list("pk", "date_joined")
            .annotate(n=Count("pk"))
        )

    found = compiled_rows("joined", joined, ids=wanted, since=since)

    assert found == list(joined(ids=wanted, since=since))
    assert [pk for pk, _, _ in found] == sorted(wanted)
    assert all(joined_at.tzinfo is not None for _, joined_at, _ in found)
    assert compiled_rows("joined", joined, ids=wanted, since=timezone.now()) == []


def test_a_shape_compiles_once_then_only_runs():
    people = [UserFactory() for _ in range(2)]
    builds = []

    def counted(*, after):
        builds.append(after)
        return handles_after(after=after)

    for person in people * 3:
        compiled_rows("counted", counted, after=person.pk)

    assert len(builds) == 2  # one shape, built twice with stand-ins, once
    with CaptureQueriesContext(connection) as queries:
        compiled_rows("counted", counted, after=people[0].pk)
    assert len(queries) == 1 and len(builds) == 2


def test_the_cache_is_shared_by_threads_and_holds_no_connection():
    """Under daphne each request runs in a thread of its own with a connection of its own: a
    compile made in one must serve the next, and must not keep that thread's connection."""
    person = UserFactory()
    compiled_rows("after", handles_after, after=0)
    builds, answers, their_connection = [], [], []

    def in_a_thread():
        def counted(*, after):
            builds.append(after)
            return handles_after(after=after)

        answers.append(compiled_rows("after", counted, after=0))
        their_connection.append(weakref.ref(connections["default"]))
        connections.close_all()

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()
    gc.collect()

    assert answers == [[(person.pk, person.handle)]]
    assert builds == []  # the compile made in this thread was used there
    assert their_connection[0]() is None  # nothing kept the thread's connection alive


def test_a_query_whose_text_depends_on_a_value_is_refused():
    def by_parity(*, after):
        people = User.objects.filter(pk__gt=after)
        if after % 2:
            people = people.filter(is_active=True)
        return people.values_list("pk")

    with pytest.raises(NotCompilable):
        compiled_rows("parity", by_parity, after=1)


def test_a_value_the_orm_folds_away_is_refused():
    """A value that never reaches the SQL (here ignored; in the ORM, an integer outside its
    field's range drops the lookup) would freeze the first caller's answer for everyone."""

    def ignoring(*, after):
        return User.objects.filter(pk__gt=0).values_list("pk")

    with pytest.raises(NotCompilable):
        compiled_rows("ignoring", ignoring, after=5)


def test_days_are_values_too():
    people = [UserFactory() for _ in range(2)]
    User.objects.filter(pk=people[0].pk).update(date_joined=timezone.now() - timedelta(days=3))
    today = timezone.now().date()

    def joined_since(*, day):
        return User.objects.filter(date_joined__date__gte=day).order_by("pk").values_list("pk")

    assert compiled_rows("since", joined_since, day=today) == [(people[1].pk,)]
    week_ago = today - timedelta(days=7)
    assert compiled_rows("since", joined_since, day=week_ago) == [(p.pk,) for p in people]


def test_a_small_field_the_stand_ins_overflow_is_refused_not_emptied():
    """On PostgreSQL a stand-in beyond a small integer field's range makes the ORM match
    nothing; caching that as "nothing matches" would answer every later value with no rows.
    It is refused there (SQLite keeps no such range, and compiles it)."""
    community = create_community()
    CohortWeek.objects.create(
        community=community, week=timezone.now().date(), weeks_after=3, members=2, active=1
    )

    def cohort(*, weeks_after):
        return CohortWeek.objects.filter(weeks_after=weeks_after).values_list("members")

    try:
        found = compiled_rows("cohort", cohort, weeks_after=3)
    except NotCompilable:
        found = None
    assert found in (None, [(2,)])


def test_building_may_not_read_the_database():
    def reading(*, after):
        first = User.objects.order_by("pk").values_list("pk", flat=True).first() or 0
        return User.objects.filter(pk__gt=max(first, after)).values_list("pk")

    UserFactory()
    with pytest.raises(NotCompilable):
        compiled_rows("reading", reading, after=1)


def test_an_empty_list_matches_nothing_without_asking():
    with CaptureQueriesContext(connection) as queries:
        found = compiled_rows(
            "nobody", lambda ids: User.objects.filter(pk__in=ids).values_list("pk"), ids=[]
        )
    assert found == [] and len(queries) == 0


@pytest.mark.postgres
def test_on_postgresql_a_repeated_query_is_planned_once_as_a_prepared_statement():
    person = UserFactory()
    for _ in range(6):
        assert compiled_rows("after", handles_after, after=0) == [(person.pk, person.handle)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [statement for (statement,) in cursor.fetchall()]

    assert any('"accounts_user"."handle"' in statement for statement in statements)
