"""Screening what members write, and withholding it from view: a registry governance owns.

Chat asks here before it saves a message and whenever it reads messages; moderation answers,
registering its auto-moderation and its withheld content at start-up
(communities.moderation.screens). So chat never imports moderation, and a capability that
publishes what members write asks the same questions in the same words.

Before saving, a caller asks `screen(user, community, text)` and acts on the verdict: `allow`
saves as usual, `block` refuses with the reason, `hold` saves and then calls
`hold_for_review(obj, reason=...)` in the same transaction, so the content is never visible
unheld. Every registered screen is asked; the first that blocks wins, else the first that
holds. With no screen registered, everything is allowed.

When reading, a rule leaves out `withheld_from(user, label)` (the ids of `label` content
withheld from `user`), its reverse form keeps `released_to(users, label, id)`, and
`is_withheld(label, id)` asks about one object whatever the reader. These are subqueries the
reader's one rule composes, not a second check. With no withholding registered, nothing is
withheld. When withheld content goes back out, the withholding capability sends
`content_released` (communities.signals).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet

from sosoon_site.languages import ReadersWords


class Verdict:
    ALLOW = "allow"
    HOLD = "hold"
    BLOCK = "block"


@dataclass(frozen=True)
class Screening:
    """What to do with a new post or message, and why (shown to the author). A hold's reason
    is kept with the content, so it is words each reader reads in their language; a refusal
    is only shown, to the author now, so it is text already in their language."""

    verdict: str
    reason: "str | ReadersWords" = ""

    @property
    def allowed(self) -> bool:
        return self.verdict == Verdict.ALLOW

    @property
    def held(self) -> bool:
        return self.verdict == Verdict.HOLD

    @property
    def blocked(self) -> bool:
        return self.verdict == Verdict.BLOCK


# A screen: (user, community, text) -> Screening.
Screen = Callable[..., Screening]


@dataclass(frozen=True)
class Withholding:
    """How the capability that withholds content answers the readers' rules."""

    # (user, label) -> a subquery of the ids of `label` content withheld from `user`.
    withheld_from: Callable[..., QuerySet]
    # (users, label, target_id) -> those of `users` that content is not withheld from.
    released_to: Callable[..., QuerySet]
    # (label, target_id) -> whether that content is withheld from anyone.
    is_withheld: Callable[[str, int], bool]
    # (obj, reason=...) -> withhold new content `obj` until a moderator approves it.
    hold_for_review: Callable[..., object]


_screens: list[Screen] = []
_withholding: list[Withholding] = []


def register_screen(screen: Screen) -> None:
    """Ask `screen` about everything members write; registering it twice changes nothing."""
    if screen not in _screens:
        _screens.append(screen)


def register_withholding(withholding: Withholding) -> None:
    """Make `withholding` the one that answers; a second, different one is a bug."""
    if _withholding and _withholding[0] != withholding:
        raise ValueError("Another capability already withholds content.")
    _withholding[:] = [withholding]


def screen(user, community, text: str) -> Screening:
    """The verdict on `user` publishing `text` in `community` now."""
    held = None
    for each in _screens:
        screening = each(user, community, text)
        if screening.blocked:
            return screening
        if screening.held and held is None:
            held = screening
    return held or Screening(Verdict.ALLOW)


def hold_for_review(obj: Model, *, reason: "str | ReadersWords") -> None:
    """Withhold new content `obj` until a moderator approves it. Caller is in the transaction
    that created `obj`, after a screen said hold (so a withholding is registered)."""
    if not _withholding:
        raise LookupError("A screen held content but nothing withholds it.")
    _withholding[0].hold_for_review(obj, reason=reason)


def withheld_from(user, label: str) -> QuerySet | list:
    """A subquery of the ids of `label` content withheld from `user` (none when nothing
    withholds content)."""
    if not _withholding:
        return []
    return _withholding[0].withheld_from(user, label)


def released_to(users: QuerySet, label: str, target_id: int) -> QuerySet:
    """Of `users`, those content `target_id` of `label` is not withheld from."""
    if not _withholding:
        return users
    return _withholding[0].released_to(users, label, target_id)


def is_withheld(label: str, target_id: int) -> bool:
    """Whether content `target_id` of `label` is withheld from anyone now."""
    return bool(_withholding) and _withholding[0].is_withheld(label, target_id)
