"""What communities can tell people about, and the one way to ask: `notify()`.

Governance, chat and moderation tell people things (someone waits at the door, an invitation
was used, a mention in chat, a moderator's decision, a reviewed report) without importing the
notifications capability: `notify()` sends `notification_requested`, and notifications'
receiver (communities.notifications.receivers) makes the notifications, keeping only people
in the target's audience and dropping the actor and people blocked either way. With nothing
connected, nobody is told and nothing fails.

The kinds live here, in governance, because what can be told is the app's vocabulary: the
notifications capability stores them (`Notification.kind`) and feeds uses them too.
"""

from collections.abc import Iterable

from django.db import models
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    MENTION = "mention", _("mentioned you")
    REPLY = "reply", _("replied to your comment")
    COMMENT = "comment", _("commented on your post")
    REACTION = "reaction", _("reacted to your post")
    JOIN_REQUEST = "join_request", _("asked to join")
    INVITATION_USED = "invitation_used", _("joined with your invitation")
    CHAT_MENTION = "chat_mention", _("mentioned you in chat")
    MODERATION = "moderation", _("Moderators acted on your account or content; see why")
    REPORT_HANDLED = "report_handled", _("Your report was reviewed")
    CROSSPOST_PROBLEM = "crosspost_problem", _("A cross-post needs your attention")
    ACCOUNT_PROBLEM = "account_problem", _("A connected account must be reconnected")
    RELEASED = "released", _("opened a post to you")
    EVENT_PLACE = "event_place", _("A place freed up: you are going to an event")
    EVENT_CHANGED = "event_changed", _("An event you answered changed")
    EVENT_CANCELLED = "event_cancelled", _("An event you answered was cancelled")
    EVENT_REMINDER = "event_reminder", _("An event you are going to starts soon")
    INSIGHTS_WEEKLY = "insights_weekly", _("Last week's Insights are ready")


# Sent with sender=NotificationKind, `recipients` (a list of users or ids), `kind`, `actor`,
# `target` (registered content, communities.content) and `community` (None: the target's).
# Each receiver returns the ids of the people it told.
notification_requested = Signal()


def notify(
    recipients: Iterable, *, kind: str, actor, target: models.Model, community=None
) -> list[int]:
    """Tell those `recipients` (users or ids) who may see `target`; return who was told."""
    told = []
    for _receiver, ids in notification_requested.send(
        NotificationKind,
        recipients=list(recipients),
        kind=kind,
        actor=actor,
        target=target,
        community=community,
    ):
        told.extend(ids or [])
    return told
