"""Accounts at a glance: every connected account a person manages, with its health, its last
and next publish and its recent errors, in one query whatever the number of accounts."""

from django.db.models import Count, Max, Min, OuterRef, Q, Subquery

from feeds.crossposting.calendar.access import managed_accounts
from feeds.crossposting.models import CrossPost, CrossPostStatus

PROBLEMS = (CrossPostStatus.FAILED, CrossPostStatus.NEEDS_REVIEW)


def accounts_at_a_glance(user):
    """The accounts with `last_published_at`, `next_scheduled_at`, `problem_count` (failed or
    needing review) and `last_problem` (the newest such reason, in English) with
    `last_problem_words` (the same as words each reader reads in their language)."""
    newest_problem = CrossPost.objects.filter(account=OuterRef("pk"), status__in=PROBLEMS).order_by(
        "-updated_at", "-pk"
    )
    return managed_accounts(user).annotate(
        last_published_at=Max(
            "crossposts__published_at", filter=Q(crossposts__status=CrossPostStatus.PUBLISHED)
        ),
        next_scheduled_at=Min(
            "crossposts__scheduled_at", filter=Q(crossposts__status=CrossPostStatus.SCHEDULED)
        ),
        problem_count=Count("crossposts", filter=Q(crossposts__status__in=PROBLEMS)),
        last_problem=Subquery(newest_problem.values("reason")[:1]),
        last_problem_words=Subquery(newest_problem.values("reason_words")[:1]),
    )
