"""Open sockets lose chat rooms the moment their person loses access.

Memberships (removed, banned, left, tier or role changed) and blocks are decided elsewhere;
these receivers ask the rooms' read rule again and revoke what no longer passes. Both
signals are sent after commit, so the rule sees the new state.
"""

from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.chat.services import revoke_lost_rooms
from communities.signals import membership_changed
from sosoon_site.accounts.blocks import block_changed, is_blocked_between
from sosoon_site.realtime import hide_senders_for_users

REASONS = {
    "removed": gettext_lazy("You are no longer a member of {community}."),
    "left": gettext_lazy("You left {community}."),
    "banned": gettext_lazy("You were banned from {community}."),
    "tier": gettext_lazy("Your tier in {community} changed."),
    "role": gettext_lazy("Your role in {community} changed."),
}


@receiver(membership_changed, dispatch_uid="chat.membership_changed")
def revoke_after_membership_change(sender, membership, reason: str, **kwargs) -> None:
    template = REASONS.get(reason, gettext_lazy("Your access changed."))
    text = template.format(community=membership.community.name)
    revoke_lost_rooms([membership.user_id], community_id=membership.community_id, reason=text)


@receiver(block_changed, dispatch_uid="chat.block_changed")
def revoke_after_block(sender, blocker, blocked, blocking: bool, **kwargs) -> None:
    if blocking:
        revoke_lost_rooms(
            [blocker.pk, blocked.pk], community_id=None, reason=_("This conversation is closed.")
        )
        hide_senders_for_users([blocker.pk], [blocked.pk], hidden=True)
        hide_senders_for_users([blocked.pk], [blocker.pk], hidden=True)
    elif not is_blocked_between(blocker, blocked):
        hide_senders_for_users([blocker.pk], [blocked.pk], hidden=False)
        hide_senders_for_users([blocked.pk], [blocker.pk], hidden=False)
