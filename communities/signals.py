"""Signals other parts of the site listen to, to act on live state (open sockets).

`membership_changed` is sent after the change is committed, with sender=Membership,
`membership` (the row as it is now) and `reason` ("removed", "left", "banned", "tier",
"role"). Chat drops the rooms the person can no longer read from their open sockets.
"""

from django.db import transaction
from django.dispatch import Signal

membership_changed = Signal()


def announce_membership_change(membership, reason: str) -> None:
    """Send `membership_changed` once the current transaction commits."""
    from communities.models import Membership

    transaction.on_commit(
        lambda: membership_changed.send(Membership, membership=membership, reason=reason)
    )
