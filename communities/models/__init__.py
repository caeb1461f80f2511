"""Communities' models, split by domain and re-exported here."""

from communities.models.automod import DEFAULT_AUTO_HIDE_REPORTS, AutoModeration, FilterAction
from communities.models.chat import (
    ChatMessage,
    ChatRoom,
    ReadState,
    room_audience,
    room_group,
    room_key,
)
from communities.models.community import Community, CommunityQuerySet, Discoverability
from communities.models.invitation import Invitation, InvitationState, new_token
from communities.models.invitation_batch import BatchStatus, InvalidInvitationRow, InvitationBatch
from communities.models.join_request import JoinRequest, JoinRequestStatus
from communities.models.membership import ROLE_RANK, Membership, MembershipStatus, Role
from communities.models.moderation import (
    COMMUNITY_TARGET,
    MEMBER_TARGET,
    NOTE_MAX,
    REASON_MAX,
    ActionKind,
    ModerationAction,
    Report,
    ReportReason,
    ReportStatus,
    WithheldContent,
    WithholdState,
)
from communities.models.notification import GROUPED_KINDS, Notification, NotificationKind
from communities.models.tier import Tier

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
    "ChatMessage",
    "ChatRoom",
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
