"""Communities' models, split by domain and re-exported here."""

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
from communities.models.notification import GROUPED_KINDS, Notification, NotificationKind
from communities.models.tier import Tier

__all__ = [
    "GROUPED_KINDS",
    "ROLE_RANK",
    "BatchStatus",
    "ChatMessage",
    "ChatRoom",
    "Community",
    "CommunityQuerySet",
    "Discoverability",
    "InvalidInvitationRow",
    "Invitation",
    "InvitationBatch",
    "InvitationState",
    "JoinRequest",
    "JoinRequestStatus",
    "Membership",
    "MembershipStatus",
    "Notification",
    "NotificationKind",
    "ReadState",
    "Role",
    "Tier",
    "new_token",
    "room_audience",
    "room_group",
    "room_key",
]
