"""Query filters the ORM has no word for.

`IdIn` filters on a list of ids with one array parameter on PostgreSQL (`= ANY(%s)`): a feed
page's engagement query names the page's post ids once per part of its UNION, and a long IN
list costs the server more to parse and plan than the query costs to run.
"""

from django.db.models import BooleanField, F, Func


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
