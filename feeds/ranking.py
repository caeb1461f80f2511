"""The Top order: engagement with time decay, weighted by how much the viewer interacts with
each author. docs/ranking.md explains the formula and why it is shaped this way."""

import math
from datetime import datetime, timedelta

from django.db.models import DateTimeField, F, FloatField, Func, QuerySet, Value

from feeds.models import Comment, Reaction

AFFINITY_WINDOW = timedelta(days=30)
GRAVITY = 1.5
COMMENT_WEIGHT = 2


def top_score(*, reactions: int, comments: int, age_hours: float, interactions: int) -> float:
    """(1 + reactions + 2 x comments) x (1 + ln(1 + interactions)) / (age_hours + 2) ^ 1.5"""
    engagement = 1 + reactions + COMMENT_WEIGHT * comments
    affinity = 1 + math.log1p(interactions)
    return engagement * affinity / (max(age_hours, 0.0) + 2) ** GRAVITY


class HoursSince(Func):
    """Hours from a datetime column to `moment`, computed by the database: Top reads the age
    of every post in its window, and loading a datetime costs the ORM far more than a float."""

    output_field = FloatField()

    def __init__(self, field: str, moment: datetime):
        super().__init__(Value(moment, output_field=DateTimeField()), F(field))

    def _operands(self, compiler) -> tuple[str, str, list]:
        (moment, moment_params), (column, column_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return moment, column, [*moment_params, *column_params]

    def as_sql(self, compiler, connection, **extra_context):
        moment, column, params = self._operands(compiler)
        return f"((julianday({moment}) - julianday({column})) * 24.0)", params

    def as_postgresql(self, compiler, connection, **extra_context):
        moment, column, params = self._operands(compiler)
        sql = f"(EXTRACT(EPOCH FROM ({moment} - {column})) / 3600.0)::double precision"
        return sql, params


def interaction_querysets(viewer, *, since: datetime) -> list[QuerySet]:
    """The viewer's reactions and comments on other people's posts since `since` (the start
    of the affinity window); grouped by `post__author`, they count the viewer's interactions
    with each author."""
    return [
        Reaction.objects.filter(user=viewer, created__gte=since).exclude(post__author=viewer),
        Comment.objects.filter(author=viewer, created__gte=since).exclude(post__author=viewer),
    ]
