"""The Top order: engagement with time decay, weighted by how much the viewer interacts with
each author. docs/ranking.md explains the formula and why it is shaped this way."""

import math
from datetime import datetime, timedelta

from django.db.models import Count

from feeds.models import Comment, Reaction

AFFINITY_WINDOW = timedelta(days=30)
GRAVITY = 1.5
COMMENT_WEIGHT = 2


def top_score(*, reactions: int, comments: int, age_hours: float, interactions: int) -> float:
    """(1 + reactions + 2 x comments) x (1 + ln(1 + interactions)) / (age_hours + 2) ^ 1.5"""
    engagement = 1 + reactions + COMMENT_WEIGHT * comments
    affinity = 1 + math.log1p(interactions)
    return engagement * affinity / (max(age_hours, 0.0) + 2) ** GRAVITY


def interactions_by_author(viewer, *, now: datetime) -> dict[int, int]:
    """How many times `viewer` reacted to or commented on each author's posts lately (their own
    posts excluded). One query."""
    since = now - AFFINITY_WINDOW
    reactions = (
        Reaction.objects.filter(user=viewer, created__gte=since)
        .exclude(post__author=viewer)
        .order_by()
        .values("post__author")
        .annotate(n=Count("pk"))
        .values_list("post__author", "n")
    )
    comments = (
        Comment.objects.filter(author=viewer, created__gte=since)
        .exclude(post__author=viewer)
        .order_by()
        .values("post__author")
        .annotate(n=Count("pk"))
        .values_list("post__author", "n")
    )
    totals: dict[int, int] = {}
    for author_id, count in reactions.union(comments, all=True):
        totals[author_id] = totals.get(author_id, 0) + count
    return totals
