"""Querysets compiled once per process and shape, then run with each request's values.

A feed page's queries carry the audience policy: a dozen EXISTS subqueries under ORs that the
ORM builds and compiles again on every request, for several times what the database spends
running them (the home feed at 1,000,000 posts through a real daphne: building and compiling
its two policy queries was a third of the page's samples). Yet the text of such a query
depends only on its shape (which list, which order, how many ids), and what changes per
request (the viewer, the cursor, the page's post ids) arrives as plain parameters. So
`compiled_rows` builds and compiles a query once per shape, with stand-in values, and
afterwards only puts the real values where the stand-ins were.

What keeps this honest:
- the first call builds the query twice, with two different sets of stand-ins; the SQL must
  be the same, every parameter that differs must be one of the stand-ins, and every value
  given must appear; otherwise the query's text depends on its values (or the ORM folded a
  value away) and `NotCompilable` is raised;
- stand-ins are ordinary values (ids well inside a 32-bit integer, times and days in this
  century),
  so the ORM treats them as it treats real ones (it drops a lookup on an integer out of its
  field's range, which would silently change the query);
- the build may not read the database: a query run while building would have read the
  stand-ins' rows, and its answer would be frozen into the SQL;
- the cache holds text and plain values only, never a connection, compiler or cursor: it is
  one per process, shared by every thread, keyed by the database alias, and bounded;
- rows get the converters the ORM gives them (a count's int(), a datetime on SQLite): the
  cache keeps the selected expressions and asks the connection in use for their converters
  on each run, as the ORM does.

The caller's `key` names what the build builds, including anything besides the values that
shapes its SQL (a LIMIT, a page size): two builds must never share a key.
"""

import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

CACHE_SIZE = 512

# Two distinct sets of stand-ins, in the range every id and integer field accepts, and of
# opposite parity, so that a build branching on a value differs between the two.
_INT_STAND_INS = (2_013_040_506, 2_113_040_507)
_TIME_STAND_INS = (
    datetime(2001, 2, 3, 4, 5, 6, 70809, tzinfo=UTC),
    datetime(2002, 3, 4, 5, 6, 7, 80910, tzinfo=UTC),
)
_DATE_STAND_INS = (date(2001, 2, 3), date(2002, 3, 4))
_TEXT_STAND_INS = ("compiled-stand-in-a", "compiled-stand-in-b")

Path = tuple[str, int | None]


class NotCompilable(Exception):
    """The query's text depends on its values, or building it reads the database."""


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # Parameters as the driver takes them, with a stand-in at each slot.
    params: tuple
    slots: tuple[tuple[int, Path], ...]
    # The selected expressions, whose converters the connection in use gives.
    columns: tuple = ()


# The ORM knows without asking that nothing matches (`pk__in=[]`): nor will it later.
_NOTHING = _Compiled(sql="", params=(), slots=())

_cache: OrderedDict[tuple, _Compiled] = OrderedDict()
_lock = threading.Lock()


def _leaves(values: dict[str, Any]) -> Iterator[tuple[Path, Any]]:
    """Each value, and each item of a list (`IdIn` passes a whole list as one parameter on
    PostgreSQL, one parameter per item elsewhere)."""
    for name, value in values.items():
        if isinstance(value, list | tuple):
            yield (name, None), list(value)
            for index, item in enumerate(value):
                yield (name, index), item
        elif value is not None:
            yield (name, None), value


def _shape(values: dict[str, Any]) -> tuple:
    """What of `values` shapes the SQL: which are None, and each list's length."""

    def of(value):
        if value is None:
            return None
        if isinstance(value, list | tuple):
            if not all(type(item) is int for item in value):
                raise NotCompilable("a list of values must hold ints")
            return len(value)
        if type(value) not in (int, str) and not isinstance(value, date):
            raise NotCompilable(f"a {type(value).__name__} cannot be a compiled value")
        return type(value).__name__

    return tuple((name, of(value)) for name, value in sorted(values.items()))


def _stand_ins(values: dict[str, Any], which: int) -> dict[str, Any]:
    counter = itertools.count()

    def stand_in(value):
        if isinstance(value, datetime):
            return _TIME_STAND_INS[which] + timedelta(seconds=next(counter))
        if isinstance(value, date):
            return _DATE_STAND_INS[which] + timedelta(days=next(counter))
        if isinstance(value, str):
            return f"{_TEXT_STAND_INS[which]}-{next(counter)}"
        return _INT_STAND_INS[which] - next(counter)

    def each(value):
        if value is None:
            return None
        if isinstance(value, list | tuple):
            return [stand_in(item) for item in value]
        return stand_in(value)

    return {name: each(value) for name, value in values.items()}


def _adapt(value, connection):
    """`value` as the ORM hands it to the database driver."""
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


def _no_reads(execute, sql, params, many, context):
    raise NotCompilable(f"building a compiled query read the database: {sql[:200]}")


def _compile(build: Callable[..., QuerySet], values: dict, connection) -> _Compiled:
    first, second = _stand_ins(values, 0), _stand_ins(values, 1)
    with connection.execute_wrapper(_no_reads):
        compilers = [
            build(**stand_ins).query.get_compiler(connection=connection)
            for stand_ins in (first, second)
        ]
        try:
            (sql, params), (other_sql, other_params) = (c.as_sql() for c in compilers)
        except EmptyResultSet:
            # Nothing matches whatever the values (`pk__in=[]`), unless it is the stand-ins
            # that match nothing: an integer outside a small field's range is dropped.
            try:
                build(**values).query.get_compiler(connection=connection).as_sql()
            except EmptyResultSet:
                return _NOTHING
            raise NotCompilable("the stand-ins match nothing where the values may") from None
    if sql != other_sql or len(params) != len(other_params):
        raise NotCompilable(f"the SQL changes with the values: {sql[:200]}")
    compiler = compilers[0]
    where = {_hashable(_adapt(value, connection)): path for path, value in _leaves(first)}
    expected = {path: _adapt(value, connection) for path, value in _leaves(second)}
    slots = []
    for position, (one, other) in enumerate(zip(params, other_params, strict=True)):
        if one == other:
            continue
        path = where.get(_hashable(one)) if isinstance(_hashable(one), Hashable) else None
        if path is None or expected[path] != other:
            raise NotCompilable(f"parameter {position} ({one!r}) is not one of the values")
        slots.append((position, path))
    given = {name for (name, index), value in _leaves(first) if index is None and value != []}
    used = {name for _, (name, _) in slots}
    if given - used:
        raise NotCompilable(f"the SQL does not use {sorted(given - used)}: {sql[:200]}")
    return _Compiled(
        sql=sql,
        params=tuple(params),
        slots=tuple(slots),
        columns=tuple(column[0] for column in compiler.select[: compiler.col_count]),
    )


def _compiled(key: Hashable, build: Callable[..., QuerySet], values: dict, connection):
    full_key = (connection.alias, connection.vendor, key, _shape(values))
    with _lock:
        compiled = _cache.get(full_key)
        if compiled is not None:
            _cache.move_to_end(full_key)
            return compiled
    # Outside the lock: two threads may compile one shape at once, to the same result.
    compiled = _compile(build, values, connection)
    with _lock:
        _cache[full_key] = compiled
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return compiled


def compiled_rows(
    key: Hashable, build: Callable[..., QuerySet], *, using: str = "default", **values
) -> list[tuple]:
    """The rows of `build(**values)` (a values_list queryset), compiled once per `key`, shape
    of `values` and database. Values may be ints, text, aware datetimes, dates, lists of ints
    (their length is part of the shape) and None (part of the shape too)."""
    connection = connections[using]
    compiled = _compiled(key, build, values, connection)
    if compiled is _NOTHING:
        return []
    params = list(compiled.params)
    for position, (name, index) in compiled.slots:
        value = values[name] if index is None else values[name][index]
        params[position] = _adapt(value, connection)
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchall()
    converters = [
        (position, functions, expression)
        for position, expression in enumerate(compiled.columns)
        for functions in [
            connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        ]
        if functions
    ]
    if not converters:
        return [tuple(row) for row in rows]
    converted = []
    for row in rows:
        row = list(row)
        for position, functions, expression in converters:
            for convert in functions:
                row[position] = convert(row[position], expression, connection)
        converted.append(tuple(row))
    return converted


def loaded(model, values: dict, *, using: str = "default"):
    """A `model` instance as the ORM loads one with only `values` (attname -> value; the rest
    deferred, read when first used): what a compiled query's row becomes."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(using, names, [values[name] for name in names])


def forget_compiled_queries() -> None:
    """Empty the cache (tests that change what a key's build produces)."""
    with _lock:
        _cache.clear()
