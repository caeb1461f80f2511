"""Blocking: one person hides themselves from another, in both directions.

Other apps never copy block state; they ask `blocked_user_ids` (for querysets) or
`is_blocked_between` (for one pair) when they read, and listen to `block_changed` to drop live
subscriptions at once.
"""

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, QuerySet, When
from django.dispatch import Signal
from django.http import Http404
from django.utils.translation import gettext as _

from sosoon_site.accounts.models import Block, User

# Sent after the block or unblock is committed: sender=Block, blocker=User, blocked=User,
# blocking=bool.
block_changed = Signal()


def blocked_user_ids(user) -> QuerySet:
    """A subquery of the ids `user` has blocked or been blocked by (empty when signed out)."""
    if not user.is_authenticated:
        return Block.objects.none().values("pk")
    return ids_blocked_with(user)


def ids_blocked_with(person) -> QuerySet:
    """A subquery of the ids `person` has blocked or been blocked by; `person` is a user or
    an expression naming one (an OuterRef, for a rule read over many people at once)."""
    return (
        Block.objects.filter(Q(blocker=person) | Q(blocked=person))
        .annotate(other=Case(When(blocker=person, then=F("blocked")), default=F("blocker")))
        .values("other")
    )


def is_blocked_between(one, other) -> bool:
    """Whether either of the two people has blocked the other."""
    if not (one.is_authenticated and other.is_authenticated):
        return False
    return Block.objects.between(one, other).exists()


def do_block(blocker: User, blocked: User) -> Block:
    """Record that `blocker` blocks `blocked` (idempotent). Caller checked they differ."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                block = Block.objects.create(blocker=blocker, blocked=blocked)
        except IntegrityError:
            block = Block.objects.get(blocker=blocker, blocked=blocked)
    transaction.on_commit(
        lambda: block_changed.send(Block, blocker=blocker, blocked=blocked, blocking=True)
    )
    return block


def do_unblock(blocker: User, blocked: User) -> None:
    """Remove `blocker`'s block on `blocked`; a block the other person made stays."""
    with transaction.atomic():
        Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    transaction.on_commit(
        lambda: block_changed.send(Block, blocker=blocker, blocked=blocked, blocking=False)
    )


def check_block(blocker: User, handle: str) -> Block:
    """Block the person with `handle`; Http404 for unknown handles and for oneself."""
    blocked = User.objects.filter(handle__iexact=handle, is_active=True).first()
    if blocked is None or blocked.pk == blocker.pk:
        raise Http404(_("No such person."))
    return do_block(blocker, blocked)


def check_unblock(blocker: User, handle: str) -> None:
    blocked = User.objects.filter(handle__iexact=handle).first()
    if blocked is None:
        raise Http404(_("No such person."))
    do_unblock(blocker, blocked)
