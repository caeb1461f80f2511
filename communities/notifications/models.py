"""In-app notifications: who should hear about what, re-checked against the policy when shown.

A notification points at registered content (communities.content) by label and id, never
copying it, so when the recipient loses access to the target the notification disappears
from the page and from the unread count at once. What a notification can be about
(`NotificationKind`) is governance's (communities.notifying), re-exported here for readers.
"""

from django.conf import settings
from django.db import models
from django.db.models import Case, CharField, Exists, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from communities.content import registered_kinds
from communities.notifying import NotificationKind
from sosoon_site.accounts.blocks import blocked_user_ids

# Kinds shown as one line per target ("Ana and 4 others reacted to your post").
GROUPED_KINDS = frozenset({NotificationKind.REACTION})


class NotificationQuerySet(models.QuerySet):
    def visible_to(
        self, user, *, labels: set[str] | None = None, now=None
    ) -> "NotificationQuerySet":
        """`user`'s own notifications whose target they may still see (at `now`, when given:
        a compiled query's moment), from people they have not blocked (either way). One SQL
        query, whatever the kinds of content; `labels` limits it to those kinds, which spares
        building the other kinds' policies."""
        if not user.is_authenticated:
            return self.none()
        # EXISTS per row, not `target_id IN (everything visible)`: the database then checks
        # only this person's own notifications against the policy, however much content the
        # communities hold.
        reachable = Q(pk__in=[])
        for kind in registered_kinds():
            if labels is not None and kind.label not in labels:
                continue
            reachable |= Q(target_label=kind.label) & Q(
                Exists(kind.visible_to_at(user, now).filter(pk=OuterRef("target_id")))
            )
        return (
            self.filter(recipient=user).filter(reachable).exclude(actor__in=blocked_user_ids(user))
        )

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)

    def with_entry(self) -> "NotificationQuerySet":
        """Annotate `entry`: which line of the notifications page the row is on. Rows of a
        grouped kind about the same target share a line ("Ana and 4 others reacted"), every
        other row is a line of its own. The page groups by it and the badge counts it, so the
        badge's number is the number of unread lines the page shows."""
        as_text = CharField()
        return self.annotate(
            entry=Case(
                When(
                    kind__in=GROUPED_KINDS,
                    then=Concat(
                        "kind",
                        Value(":"),
                        "target_label",
                        Value(":"),
                        Cast("target_id", as_text),
                        output_field=as_text,
                    ),
                ),
                default=Concat(Value("#"), Cast("id", as_text), output_field=as_text),
                output_field=as_text,
            )
        )


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    community = models.ForeignKey(
        "communities.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    target_label = models.CharField(max_length=30)
    target_id = models.PositiveBigIntegerField()
    created = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created"], name="notification_inbox"),
            models.Index(fields=["target_label", "target_id"], name="notification_target"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient_id}"
