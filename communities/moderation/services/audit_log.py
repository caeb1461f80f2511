"""Writing the audit log, telling the affected person why, and making changes live at once.

Every moderation action goes through `record_action`: one append-only `ModerationAction`,
a notification to the person it is about (the moderator is never named), and, for content,
a `content.removed` or `content.restored` frame to the sockets of everyone who could see it.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from communities.moderation.models import ActionKind, ModerationAction
from communities.moderation.services.targets import Target
from communities.notifying import NotificationKind, notify
from sosoon_site.languages import ReadersWords, in_english
from sosoon_site.realtime import push_to_users


def record_action(
    target: Target,
    *,
    action: ActionKind,
    actor,
    reason: str | ReadersWords,
    before: dict,
    after: dict,
    notify_subject: bool = True,
) -> ModerationAction:
    """Append the action to the log and notify its subject. Caller is in the transaction that
    made the change, so the record and the change commit together. A moderator's `reason` is
    their own words, kept as written; one the system writes is `ReadersWords`, kept in English
    with its words beside, so each reader reads it in their language."""
    community = target.community
    words = reason if isinstance(reason, ReadersWords) else None
    entry = ModerationAction.objects.create(
        actor=actor,
        action=action,
        community=community,
        community_name=community.name,
        target_label=target.label,
        target_id=target.id,
        subject=target.subject,
        reason=in_english(words) if words else reason,
        reason_words=words.payload() if words else None,
        before=before,
        after=after,
    )
    if notify_subject and target.subject is not None:
        notify(
            [target.subject],
            kind=NotificationKind.MODERATION,
            actor=None,
            target=entry,
            # A notice about a deleted community must outlive it.
            community=None if action == ActionKind.DELETE_COMMUNITY else community,
        )
    return entry


def audience_ids(target: Target) -> list[int]:
    """Who may see the content now: read before a change that takes it away from them."""
    if target.kind is None:
        return []
    return list(target.kind.audience(target.obj).values_list("pk", flat=True))


def push_content_change(recipients: list[int], target: Target, *, removed: bool) -> None:
    """After commit, tell open tabs to drop (or reload) the content."""
    frame = {
        "type": "content.removed" if removed else "content.restored",
        "label": target.label,
        "id": target.id,
    }
    push_to_users(recipients, frame)


@contextmanager
def pushing_access_change(target: Target, *, removed: bool) -> Iterator[None]:
    """Around a change that withholds `target` (`removed`) or releases it: afterwards, push
    the change to the people who lost it (or gained it), and only to them, since the author
    and the moderators see withheld content all along. Use inside the change's transaction:
    the pushes go out once it commits."""
    before = set(audience_ids(target))
    yield
    after = set(audience_ids(target))
    changed = before - after if removed else after - before
    push_content_change(sorted(changed), target, removed=removed)
