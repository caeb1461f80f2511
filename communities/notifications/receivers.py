"""Notifications answers governance's `notification_requested` (communities.notifying), so
governance, chat and moderation tell people things without importing this capability."""

from django.dispatch import receiver

from communities.notifications.services import notify
from communities.notifying import notification_requested


@receiver(notification_requested, dispatch_uid="notifications.requested")
def make_notifications(sender, *, recipients, kind, actor, target, community, **kwargs):
    return notify(recipients, kind=kind, actor=actor, target=target, community=community)
