"""Search across everything a member may read: posts in their communities, the people they
share a community with, and the chat rooms and messages they may read.

Each kind starts from its one rule and only narrows it: posts from the home feed's posts
(`feeds.feed.home_posts`, the audience policy), messages from chat's message rule
(`ChatMessage.objects.readable_by`), rooms from `ChatRoom.objects.readable_by`, people from
the members of the viewer's communities with blocks either way left out (as their pages are).
The words match through `sosoon_site.text_search` (full-text on PostgreSQL). A search costs
a fixed number of queries whatever it finds.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from communities.chat.models import ChatMessage, ChatRoom
from communities.models import Membership, MembershipStatus
from feeds.feed import Source, home_posts
from sosoon_site.accounts.blocks import blocked_user_ids
from sosoon_site.accounts.models import User
from sosoon_site.rate_limits import TokenBucket
from sosoon_site.text_search import HasWords

SEARCHES = TokenBucket("search", capacity=10, per_seconds=10)
PEOPLE = 12
ROOMS = 8
MESSAGES = 20


@dataclass
class Found:
    """What one search found besides posts (those page like a feed: `post_source`)."""

    people: list[User]
    rooms: list[ChatRoom]
    messages: list[ChatMessage]


def post_source(words: list[str]) -> Source:
    """The viewer's home posts holding every word, to page newest first like a feed."""
    return Source(lambda viewer: home_posts(viewer).filter(HasWords("body", words)))


def _my_communities(viewer) -> QuerySet:
    return Membership.objects.filter(user=viewer, status=MembershipStatus.ACTIVE).values(
        "community_id"
    )


def people_matching(viewer, words: list[str]) -> list[User]:
    """Active members of the viewer's communities whose handle or name holds every word."""
    shares_a_community = Exists(
        Membership.objects.filter(
            user=OuterRef("pk"),
            status=MembershipStatus.ACTIVE,
            community_id__in=_my_communities(viewer),
        )
    )
    people = User.objects.filter(shares_a_community, is_active=True).exclude(
        pk__in=blocked_user_ids(viewer)
    )
    for word in words:
        people = people.filter(Q(handle__icontains=word) | Q(display_name__icontains=word))
    return list(people.order_by("handle")[:PEOPLE])


def rooms_matching(viewer, words: list[str]) -> list[ChatRoom]:
    """Community chat rooms the viewer may read whose name holds every word."""
    rooms = ChatRoom.objects.readable_by(viewer, direct=False)
    for word in words:
        rooms = rooms.filter(name__icontains=word)
    return list(rooms.select_related("community").order_by("community__name", "name")[:ROOMS])


def messages_matching(viewer, words: list[str]) -> list[ChatMessage]:
    """The newest messages the viewer may read (chat's message rule) holding every word."""
    messages = (
        ChatMessage.objects.readable_by(viewer)
        .live()
        .filter(HasWords("body", words))
        .select_related(
            "author", "room", "room__community", "room__direct_low", "room__direct_high"
        )
    )
    return list(messages.order_by("-id")[:MESSAGES])


def search_all(viewer, words: list[str]) -> Found:
    """People, rooms and messages for `words` (posts: `post_source`). Caller took a token
    from SEARCHES for the viewer."""
    return Found(
        people=people_matching(viewer, words),
        rooms=rooms_matching(viewer, words),
        messages=messages_matching(viewer, words),
    )
