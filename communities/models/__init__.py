"""Communities' models: governance's here, each capability's in its own folder.

Django registers an app's models from this module, so it also imports chat's, moderation's
and notifications' models, which join the `communities` label and keep their tables. Code
imports a capability's models from the capability (`communities.chat.models`); the names are
re-exported here only so the app has one list of its models.
"""

from communities.models.community import Community, CommunityQuerySet, Discoverability
from communities.models.invitation import Invitation, InvitationState, new_token
from communities.models.invitation_batch import BatchStatus, InvalidInvitationRow, InvitationBatch
from communities.models.join_request import JoinRequest, JoinRequestStatus
from communities.models.membership import (
    ROLE_RANK,
    ChangeKind,
    Membership,
    MembershipChange,
    MembershipStatus,
    Role,
)
from communities.models.tier import Tier

# isort: split
# The capabilities' models import governance's, so they come after them.
from communities.moderation.models import (
    COMMUNITY_TARGET,
    DEFAULT_AUTO_HIDE_REPORTS,
    MEMBER_TARGET,
    NOTE_MAX,
    REASON_MAX,
    ActionKind,
    AutoModeration,
    FilterAction,
    ModerationAction,
    Report,
    ReportReason,
    ReportStatus,
    WithheldContent,
    WithholdState,
)
from communities.notifications.models import GROUPED_KINDS, Notification, NotificationKind

# isort: split
from communities.chat.models import (
    ChatMessage,
    ChatRoom,
    ChatRoomPerson,
    ReadState,
    room_audience,
    room_group,
    room_key,
)

__all__ = [
    "COMMUNITY_TARGET",
    "DEFAULT_AUTO_HIDE_REPORTS",
    "GROUPED_KINDS",
    "MEMBER_TARGET",
    "NOTE_MAX",
    "REASON_MAX",
    "ROLE_RANK",
    "ActionKind",
    "AutoModeration",
    "BatchStatus",
    "ChangeKind",
    "ChatMessage",
    "ChatRoom",
    "ChatRoomPerson",
    "Community",
    "CommunityQuerySet",
    "Discoverability",
    "FilterAction",
    "InvalidInvitationRow",
    "Invitation",
    "InvitationBatch",
    "InvitationState",
    "JoinRequest",
    "JoinRequestStatus",
    "Membership",
    "MembershipChange",
    "MembershipStatus",
    "ModerationAction",
    "Notification",
    "NotificationKind",
    "ReadState",
    "Report",
    "ReportReason",
    "ReportStatus",
    "Role",
    "Tier",
    "WithheldContent",
    "WithholdState",
    "new_token",
    "room_audience",
    "room_group",
    "room_key",
]
