"""Open sockets lose chat rooms the moment their person loses access.

Memberships (removed, banned, left, tier or role changed) and blocks are decided elsewhere;
these receivers ask the rooms' read rule again and revoke what no longer passes. Both
signals are sent after commit, so the rule sees the new state.
"""

from django.dispatch import receiver
from django.utils.translation import gettext_noop

from communities.chat.services import CONVERSATION_CLOSED, revoke_lost_rooms
from communities.signals import membership_changed
from sosoon_site.accounts.blocks import block_changed, is_blocked_between
from sosoon_site.languages import ReadersWords
from sosoon_site.realtime import hide_senders_for_users

# Read by the person who lost the rooms, in their language (sosoon_site.languages.ReadersWords).
REASONS = {
    "removed": gettext_noop("You are no longer a member of %(community)s."),
    "left": gettext_noop("You left %(community)s."),
    "banned": gettext_noop("You were banned from %(community)s."),
    "tier": gettext_noop("Your tier in %(community)s changed."),
    "role": gettext_noop("Your role in %(community)s changed."),
}


@receiver(membership_changed, dispatch_uid="chat.membership_changed")
def revoke_after_membership_change(sender, membership, reason: str, **kwargs) -> None:
    text = REASONS.get(reason, gettext_noop("Your access changed."))
    words = ReadersWords(text, {"community": membership.community.name})
    revoke_lost_rooms([membership.user_id], community_id=membership.community_id, reason=words)


@receiver(block_changed, dispatch_uid="chat.block_changed")
def revoke_after_block(sender, blocker, blocked, blocking: bool, **kwargs) -> None:
    if blocking:
        revoke_lost_rooms([blocker.pk, blocked.pk], community_id=None, reason=CONVERSATION_CLOSED)
        hide_senders_for_users([blocker.pk], [blocked.pk], hidden=True)
        hide_senders_for_users([blocked.pk], [blocker.pk], hidden=True)
    elif not is_blocked_between(blocker, blocked):
        hide_senders_for_users([blocker.pk], [blocked.pk], hidden=False)
        hide_senders_for_users([blocked.pk], [blocker.pk], hidden=False)
