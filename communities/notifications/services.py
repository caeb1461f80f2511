"""Creating, listing and reading notifications.

`notify` is the only way notifications are made: it keeps only recipients in the target's
audience (the content kind's policy), drops the actor and people blocked either way, and
pushes a `notifications.changed` frame after commit so open tabs refresh their badge.
Showing goes through `Notification.objects.visible_to`, so lost access hides a notification.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Model
from django.http import Http404
from django.utils import timezone

from communities.content import content_kind, kind_of, registered_kinds
from communities.notifications.models import Notification
from sosoon_site.accounts.blocks import blocked_user_ids
from sosoon_site.accounts.models import User
from sosoon_site.compiled_queries import compiled_rows
from sosoon_site.realtime import push_to_users

PAGE_SIZE = 50


def notify(
    recipients: Iterable, *, kind: str, actor: User | None, target: Model, community=None
) -> list[int]:
    """Notify those `recipients` (users or ids) who may see `target`; return who was notified."""
    content = kind_of(target)
    wanted = {getattr(person, "pk", person) for person in recipients}
    if actor is not None:
        wanted.discard(actor.pk)
    if not wanted:
        return []
    allowed = content.audience(target).filter(pk__in=wanted)
    if actor is not None:
        allowed = allowed.exclude(pk__in=blocked_user_ids(actor))
    notified = list(allowed.values_list("pk", flat=True))
    Notification.objects.bulk_create(
        Notification(
            recipient_id=recipient,
            kind=kind,
            actor=actor,
            community=community if community is not None else content.community(target),
            target_label=content.label,
            target_id=target.pk,
        )
        for recipient in notified
    )
    push_to_users(notified, {"type": "notifications.changed"})
    return notified


def unread_count(user) -> int:
    """What the top-bar badge shows: the unread lines of the notifications page (`inbox`),
    of notifications the policy still lets `user` see; reactions to one post are one line.

    Every page shows it, and building each kind's policy costs more than running it, so the
    kinds of content the unread notifications point at are read first (one indexed query) and
    only their policies are built; with nothing unread, no policy is built at all. The count
    itself is compiled once per set of kinds (sosoon_site.compiled_queries): the viewer and
    the policy's moment are its only values."""
    unread = compiled_rows(
        "unread_labels",
        lambda user: (
            Notification.objects.filter(recipient=user, read_at__isnull=True)
            .order_by()
            .values_list("target_label")
            .distinct()
        ),
        user=user.pk,
    )
    labels = {label for (label,) in unread}
    if not labels:
        return 0
    # The moment is a value only of kinds that move with the clock (a post's release ladder).
    clocked = any(
        kind.visible_at is not None for kind in registered_kinds() if kind.label in labels
    )
    moment = {"now": timezone.now()} if clocked else {}
    lines = compiled_rows(
        ("unread_lines", tuple(sorted(labels))),
        lambda user, now=None: (
            Notification.objects.visible_to(User(pk=user), labels=labels, now=now)
            .unread()
            .with_entry()
            .order_by()
            .values_list("entry")
            .distinct()
        ),
        user=user.pk,
        **moment,
    )
    return len(lines)


@dataclass
class Entry:
    """One line on the notifications page; grouped kinds fold several notifications."""

    first: Notification
    actors: list[User] = field(default_factory=list)
    unread: bool = False
    target: Model | None = None

    @property
    def others(self) -> int:
        return len(self.actors) - 1

    @property
    def created(self) -> datetime:
        return self.first.created


def inbox(user, *, before: int | None = None) -> list[Entry]:
    """The newest page of `user`'s visible notifications, one entry per line of the page
    (`Notification.with_entry`: reactions grouped per target)."""
    rows = Notification.objects.visible_to(user).with_entry().select_related("actor", "community")
    if before is not None:
        rows = rows.filter(pk__lt=before)
    rows = list(rows[:PAGE_SIZE])
    targets = load_targets(rows)
    entries: list[Entry] = []
    grouped: dict[str, Entry] = {}
    for row in rows:
        entry = grouped.get(row.entry)
        if entry is None:
            entry = Entry(first=row, target=targets.get((row.target_label, row.target_id)))
            entries.append(entry)
            grouped[row.entry] = entry
        if row.actor is not None and row.actor not in entry.actors:
            entry.actors.append(row.actor)
        entry.unread = entry.unread or row.read_at is None
    return entries


def load_targets(rows: list[Notification]) -> dict[tuple[str, int], Model]:
    """The targets of `rows`, one query per kind of content on the page."""
    ids_by_label: dict[str, set[int]] = {}
    for row in rows:
        ids_by_label.setdefault(row.target_label, set()).add(row.target_id)
    targets = {}
    for label, ids in ids_by_label.items():
        for obj in content_kind(label).model._default_manager.filter(pk__in=ids):
            targets[(label, obj.pk)] = obj
    return targets


def access_notification(user, notification_id: int) -> Notification:
    """`user`'s notification if they may still see its target; Http404 otherwise."""
    notification = Notification.objects.visible_to(user).filter(pk=notification_id).first()
    if notification is None:
        raise Http404("No such notification.")
    return notification


def do_mark_read(notifications) -> int:
    """Mark the given notifications (a queryset) read; returns how many changed."""
    with transaction.atomic():
        return notifications.filter(read_at__isnull=True).update(read_at=timezone.now())


def target_url(notification: Notification) -> str:
    kind = content_kind(notification.target_label)
    target = kind.model._default_manager.get(pk=notification.target_id)
    return kind.url(target)
