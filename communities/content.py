"""Content other apps show inside a community, registered so communities can act on it.

Communities owns notifications, reports and moderation, but not the content they point at:
posts and comments belong to feeds, chat messages to chat. Each app registers a `ContentKind`
saying how to ask the audience policy about its objects, so imports keep pointing
feeds -> communities and no surface here needs a check of its own.

The moderation fields are optional so a kind that is only ever notified about (a join request)
need not say how to delete it: it is not `reportable`, `author` and `authored_by` default to
"nobody", `snapshot` to the summary, and `delete` to deleting the row. A reportable kind's
`visible_to` must also leave out what is withheld (communities.screening; moderation answers).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class ContentKind:
    """How communities reads one kind of content without knowing its rules."""

    label: str
    model: type[models.Model]
    # The policy's queryset form: objects of `model` that `user` may see now.
    visible_to: Callable[..., models.QuerySet]
    # The policy's reverse form: the users who may see `obj` now.
    audience: Callable[[models.Model], models.QuerySet]
    url: Callable[[models.Model], str]
    summary: Callable[[models.Model], str]
    community: Callable[[models.Model], models.Model | None]
    # Whether members may report it and moderators act on it; off for what is only ever
    # notified about (join requests, moderation notices).
    reportable: bool = False
    # Who wrote `obj` (a user), for reports, warnings and "the author still sees it".
    author: Callable[[models.Model], models.Model | None] = lambda obj: None
    # The author's objects of this kind in a community, to count a new member's contributions
    # for slow mode; None when this kind is not written by members.
    authored_by: Callable[..., models.QuerySet] | None = None
    # What a report keeps: {"text", "author", "created", "audience"} as the reporter saw it.
    snapshot: Callable[[models.Model], dict] | None = None
    # How a moderator deletes `obj` for good (the owning app may keep a tombstone).
    delete: Callable[[models.Model], None] = lambda obj: obj.delete()
    # Whether `obj` is such a tombstone (removed by its author or a moderator): pages show
    # that it was removed, and it cannot be reported from what it said.
    is_removed: Callable[[models.Model], bool] = lambda obj: False
    # Held `obj` was approved: do what creating it would have done had it not been held
    # (tell the people it mentions, push it to open pages). Runs in the approving transaction.
    on_approved: Callable[[models.Model], None] = lambda obj: None
    # For a kind whose visibility moves with the clock (a post's release ladder): the
    # queryset form at the moment `now`, `visible_at(user, now)`. A query compiled once
    # (sosoon_site.compiled_queries) takes the moment as a value, so its text never holds one.
    visible_at: Callable[..., models.QuerySet] | None = None

    def visible_to_at(self, user, now=None) -> models.QuerySet:
        """`visible_to`, at `now` when given and the kind moves with the clock."""
        if now is not None and self.visible_at is not None:
            return self.visible_at(user, now)
        return self.visible_to(user)

    def take_snapshot(self, obj: models.Model) -> dict:
        """The kind's snapshot of `obj`, or one built from its summary and author."""
        if self.snapshot is not None:
            return self.snapshot(obj)
        author = self.author(obj)
        created = getattr(obj, "created", None) or getattr(obj, "created_at", None)
        return {
            "text": self.summary(obj),
            "author": str(author) if author is not None else "",
            "created": created.isoformat() if created else "",
            "audience": "",
        }


_kinds_by_label: dict[str, ContentKind] = {}


def register_content(kind: ContentKind) -> None:
    """Make `kind` known; registering the same label twice with another model is a bug."""
    existing = _kinds_by_label.get(kind.label)
    if existing is not None and existing.model is not kind.model:
        raise ValueError(f"Content label {kind.label!r} is already registered.")
    _kinds_by_label[kind.label] = kind


def content_kind(label: str) -> ContentKind:
    """The registered kind called `label`; KeyError for unknown labels."""
    return _kinds_by_label[label]


def kind_of(obj: models.Model) -> ContentKind:
    """The registered kind of `obj`'s model; LookupError when its app registered none."""
    for kind in _kinds_by_label.values():
        if isinstance(obj, kind.model):
            return kind
    raise LookupError(f"{type(obj).__name__} is not registered content.")


def registered_kinds() -> list[ContentKind]:
    return list(_kinds_by_label.values())
