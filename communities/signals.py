"""Signals the capabilities built on communities listen to, so governance never imports them.

`membership_changed` is sent after the change is committed, with sender=Membership,
`membership` (the row as it is now) and `reason` ("removed", "left", "banned", "tier",
"role"). Chat drops the rooms the person can no longer read from their open sockets.

`community_created` is sent inside the transaction that creates a community (sender=Community,
`community`), so what every community starts with (chat's #general) is made all or nothing.

`tier_deleting` is sent before a tier is deleted (sender=Tier, `tier`); a receiver refuses by
raising ValidationError with what to change first (chat: rooms gated on the tier).

`member_home` is sent while a community's home page is built for an active member
(sender=Community, `community`, `user`); each receiver returns a dict of what its part of the
page shows (chat: the rooms the member may read).

`content_released` is sent when withheld content goes back out (approved, unhidden, or its
record otherwise gone), inside the transaction that releases it, by the capability that
withholds content (communities.screening; moderation) with `label` and `target_id`. Chat
renumbers the message, so readers who were away get it on their next sync.

`content_withheld` is its counterpart, sent when content is held or hidden, inside the
transaction that withholds it, with `label` and `target_id`. Events shrink the chat room of a
hidden event's post to those who still see it.

Telling people about something is `notify()` in communities.notifying, whose signal the
notifications capability answers; it lives there because notifications' models need its kinds.
"""

from django.db import transaction
from django.dispatch import Signal

from communities.models import Membership

membership_changed = Signal()
community_created = Signal()
tier_deleting = Signal()
member_home = Signal()
content_released = Signal()
content_withheld = Signal()


def announce_membership_change(membership, reason: str) -> None:
    """Send `membership_changed` once the current transaction commits."""
    transaction.on_commit(
        lambda: membership_changed.send(Membership, membership=membership, reason=reason)
    )
