"""What counts as taking part in a community on a day: the sources of contributions.

Each source answers, for one community and one stretch of time, how many contributions each
person made. A new kind of contribution is one more function added to
`CONTRIBUTION_SOURCES`; the roll-up, the active members and the engagement rate take it from
there. Opening the feed makes a member active without being a
contribution (`MemberVisit`).
"""

from collections import Counter
from collections.abc import Callable
from datetime import datetime

from django.db.models import Count

from communities.chat.models import ChatMessage
from feeds.events.models import RSVP
from feeds.models import Comment, Post, Reaction


def _per_person(queryset, person: str) -> Counter:
    return Counter(
        dict(queryset.values_list(person).annotate(n=Count("pk")).values_list(person, "n"))
    )


def posts(community, start: datetime, end: datetime) -> Counter:
    return _per_person(
        Post.objects.filter(community=community, created__gte=start, created__lt=end).order_by(),
        "author_id",
    )


def comments(community, start: datetime, end: datetime) -> Counter:
    return _per_person(
        Comment.objects.filter(
            post__community=community, created__gte=start, created__lt=end
        ).order_by(),
        "author_id",
    )


def reactions(community, start: datetime, end: datetime) -> Counter:
    return _per_person(
        Reaction.objects.filter(
            post__community=community, created__gte=start, created__lt=end
        ).order_by(),
        "user_id",
    )


def chat_messages(community, start: datetime, end: datetime) -> Counter:
    """Messages in the community's rooms; direct messages belong to no community."""
    return _per_person(
        ChatMessage.objects.filter(
            room__community=community, created_at__gte=start, created_at__lt=end
        ).order_by(),
        "author_id",
    )


def rsvps(community, start: datetime, end: datetime) -> Counter:
    """Answers to the community's events. An RSVP row keeps its latest answer only, so a
    changed answer counts on the day it was changed; a place given from the waitlist is no
    answer of the person's and counts nothing."""
    return _per_person(
        RSVP.objects.filter(
            event__post__community=community, responded_at__gte=start, responded_at__lt=end
        ).order_by(),
        "user_id",
    )


CONTRIBUTION_SOURCES: tuple[Callable[..., Counter], ...] = (
    posts,
    comments,
    reactions,
    chat_messages,
    rsvps,
)


def contributions(community, start: datetime, end: datetime) -> Counter:
    """Contributions per person id in [start, end), from every source."""
    total: Counter = Counter()
    for source in CONTRIBUTION_SOURCES:
        total.update(source(community, start, end))
    return total
