"""Querysets compiled once per shape, then run with each request's values.

A feed page's queries carry the audience policy: a dozen EXISTS subqueries under ORs that the
ORM rebuilds and recompiles on every request, for several times what the database spends
running them (on the home feed at 1,000,000 posts, ~15 ms of Python per query against ~5 ms
in PostgreSQL; `python -m tests.bench feed`). Yet the text of such a query depends only on its
shape (which list, which order, how many ids), and what changes per request (the viewer, the
cursor, the page's post ids) arrives as plain parameters. So, as SQLAlchemy caches compiled
statements, `prepared_rows` builds and compiles a query once per shape with stand-in values,
and afterwards only puts the real values in place of the stand-ins.

What keeps this honest:
- the first call builds the query twice, with two different sets of stand-ins; the SQL must
  be the same and every parameter that differs must be one of the stand-ins, otherwise the
  query's text depends on its values and preparing it raises `NotPreparable`;
- the build may not read the database (a query run while building would have read the
  stand-ins' rows, not the real ones, and its answer would be frozen into the SQL);
- each thread's connection keeps its own compiled queries, so nothing is shared across
  threads, and the rows get the same converters the ORM gives them.

Values may be ints, aware datetimes, lists of ints (their length is part of the shape) and
None (part of the shape too). `IdIn` filters on a list of ids with one array parameter on
PostgreSQL, where a long IN list costs the server more to parse and plan than to run.
"""

import itertools
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, F, Func, QuerySet

PER_CONNECTION = 256

# Two distinct sets of stand-ins: far from any id or time a real row has.
_INT_STAND_INS = (-7_130_405_060_000_000, -7_130_405_070_000_000)
_TIME_STAND_INS = (datetime(1901, 2, 3, tzinfo=UTC), datetime(1902, 4, 5, tzinfo=UTC))

_compiled: "weakref.WeakKeyDictionary[BaseDatabaseWrapper, OrderedDict]" = (
    weakref.WeakKeyDictionary()
)


class NotPreparable(Exception):
    """The query's text depends on its values, or building it reads the database."""


Path = tuple[str, int | None]


@dataclass(frozen=True)
class _Prepared:
    sql: str
    params: tuple
    slots: tuple[tuple[int, Path], ...]
    compiler: Any
    converters: dict


_NOTHING = _Prepared(sql="", params=(), slots=(), compiler=None, converters={})


class IdIn(Func):
    """`field IN ids`: one array parameter on PostgreSQL (`= ANY(%s)`), a plain IN list
    elsewhere. Usable in `filter()`."""

    output_field = BooleanField()

    def __init__(self, field: str, ids: list[int]):
        self.ids = list(ids)
        super().__init__(F(field))

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        if not self.ids:
            return "1 = 0", []
        marks = ", ".join(["%s"] * len(self.ids))
        return f"{column} IN ({marks})", [*params, *self.ids]

    def as_postgresql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"{column} = ANY(%s)", [*params, self.ids]


def _leaves(values: dict[str, Any]) -> Iterator[tuple[Path, Any]]:
    """Each value, and each item of a list (`IdIn` passes a whole list as one parameter)."""
    for name, value in values.items():
        if isinstance(value, list | tuple):
            yield (name, None), list(value)
            for index, item in enumerate(value):
                yield (name, index), item
        elif value is not None:
            yield (name, None), value


def _shape(values: dict[str, Any]) -> tuple:
    def of(value):
        if value is None:
            return None
        if isinstance(value, list | tuple):
            return len(value)
        if isinstance(value, bool) or not isinstance(value, int | datetime):
            raise NotPreparable(f"a {type(value).__name__} cannot be a prepared value")
        return type(value).__name__

    return tuple((name, of(value)) for name, value in sorted(values.items()))


def _stand_ins(values: dict[str, Any], which: int) -> dict[str, Any]:
    counter = itertools.count()

    def stand_in(value):
        if isinstance(value, datetime):
            return _TIME_STAND_INS[which] + timedelta(seconds=next(counter))
        return _INT_STAND_INS[which] - next(counter)

    return {
        name: None
        if value is None
        else [stand_in(item) for item in value]
        if isinstance(value, list | tuple)
        else stand_in(value)
        for name, value in values.items()
    }


def _adapt(value, connection: BaseDatabaseWrapper):
    """`value` as the ORM passes it to the database driver."""
    if isinstance(value, list | tuple):
        if all(type(item) is int for item in value):
            return list(value)
        return [_adapt(item, connection) for item in value]
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


def _no_reads(execute, sql, params, many, context):
    raise NotPreparable(f"building a prepared query read the database: {sql[:200]}")


def _compile(build: Callable[..., QuerySet], values: dict, connection) -> _Prepared:
    first, second = _stand_ins(values, 0), _stand_ins(values, 1)
    with connection.execute_wrapper(_no_reads):
        compilers = [
            build(**stand_ins).query.get_compiler(connection=connection)
            for stand_ins in (first, second)
        ]
    try:
        (sql, params), (other_sql, other_params) = (compiler.as_sql() for compiler in compilers)
    except EmptyResultSet:
        # The ORM knows without asking that nothing matches (`pk__in=[]`): nor will it later.
        return _NOTHING
    if sql != other_sql or len(params) != len(other_params):
        raise NotPreparable(f"the SQL changes with the values: {sql[:200]}")
    where = {_hashable(_adapt(value, connection)): path for path, value in _leaves(first)}
    expected = {path: _adapt(value, connection) for path, value in _leaves(second)}
    slots = []
    for position, (one, other) in enumerate(zip(params, other_params, strict=True)):
        if one == other:
            continue
        path = where.get(_hashable(one)) if isinstance(_hashable(one), Hashable) else None
        if path is None or expected[path] != other:
            raise NotPreparable(f"parameter {position} ({one!r}) is not one of the values")
        slots.append((position, path))
    compiler = compilers[0]
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    return _Prepared(
        sql=sql,
        params=tuple(params),
        slots=tuple(slots),
        compiler=compiler,
        converters=compiler.get_converters(fields),
    )


def prepared_rows(
    key: Hashable, build: Callable[..., QuerySet], *, using: str = "default", **values
) -> list[tuple]:
    """The rows of `build(**values)` (a values_list queryset), compiled once per `key` and
    shape of `values`. `key` names what `build` builds: two builds must never share one."""
    connection = connections[using]
    cache = _compiled.setdefault(connection, OrderedDict())
    full_key = (key, _shape(values))
    prepared = cache.get(full_key)
    if prepared is None:
        prepared = cache[full_key] = _compile(build, values, connection)
        if len(cache) > PER_CONNECTION:
            cache.popitem(last=False)
    else:
        cache.move_to_end(full_key)
    if prepared is _NOTHING:
        return []
    params = list(prepared.params)
    for position, (name, index) in prepared.slots:
        value = values[name] if index is None else values[name][index]
        params[position] = _adapt(value, connection)
    with connection.cursor() as cursor:
        cursor.execute(prepared.sql, params)
        rows = cursor.fetchall()
    if prepared.converters:
        rows = prepared.compiler.apply_converters(rows, prepared.converters)
    return [tuple(row) for row in rows]
