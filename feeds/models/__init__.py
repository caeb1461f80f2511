"""Feeds' models, split by domain and re-exported here."""

from feeds.models.circle import CLOSE_FRIENDS, Circle, CircleMember
from feeds.models.comment import COMMENT_LABEL, MAX_COMMENT, Comment, CommentQuerySet
from feeds.models.post import MAX_BODY, POST_LABEL, Audience, Post, PostQuerySet
from feeds.models.post_image import MAX_IMAGES, PostImage, private_storage
from feeds.models.reaction import Emoji, Reaction, ReactionQuerySet

__all__ = [
    "CLOSE_FRIENDS",
    "COMMENT_LABEL",
    "MAX_BODY",
    "MAX_COMMENT",
    "MAX_IMAGES",
    "POST_LABEL",
    "Audience",
    "Circle",
    "CircleMember",
    "Comment",
    "CommentQuerySet",
    "Emoji",
    "Post",
    "PostImage",
    "PostQuerySet",
    "Reaction",
    "ReactionQuerySet",
    "private_storage",
]

# Cross-posting keeps its models in its own package; importing them here registers them.
from feeds.crossposting.calendar.models import AccountGroup, PostingSlot  # noqa: F401
from feeds.crossposting.metrics.models import (  # noqa: F401
    CrossPostMetric,
    MetricsWatch,
    RateWindow,
)
from feeds.crossposting.models import (  # noqa: F401
    CrossPost,
    ExternalAccount,
    Referral,
    VisitDay,
)

# Digests keep their models in their own package too.
from feeds.digests.models import DigestPreference, DigestSent  # noqa: F401

# Events keep their models in their own package too.
from feeds.events.models import RSVP, CalendarFeed, Event, EventReminder  # noqa: F401

# Staged releases keep theirs in their own package too.
from feeds.releases.models import ReleaseStep  # noqa: F401

# isort: split
# Insights' summary tables point at posts, so they come after feeds' own models.
from feeds.insights.models import (  # noqa: F401
    CohortWeek,
    CommunityDay,
    MemberDay,
    MemberVisit,
    PostDay,
    RoomDay,
    TierDay,
    TopPostWindow,
)

# isort: split
# Partners' rows point at the insights tables' joins, so they come after them.
from feeds.insights.partners.models import (  # noqa: F401
    LinkVisitDay,
    Partner,
    PartnerDay,
    PartnerJoin,
    PartnerLink,
    PartnerPostDay,
)
