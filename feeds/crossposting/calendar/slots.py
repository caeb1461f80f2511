"""Posting slots and "next free slot".

A slot occurrence is free for an account when none of its cross-posts that is scheduled, on
its way or published sits at that minute. The next free slot of several accounts is the
earliest occurrence of any of their slots at which none of them has one: the composer sends
every draft at one time, so it must be free for all of them.
"""

from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from feeds.crossposting.calendar.access import access_account
from feeds.crossposting.calendar.models import PostingSlot
from feeds.crossposting.models import CrossPost, CrossPostStatus, ExternalAccount

# Far enough to find a free weekly slot for an account that posts at every one of its slots
# for months ahead; beyond it "no free slot" is the honest answer.
HORIZON = timedelta(days=120)
TAKEN = (CrossPostStatus.SCHEDULED, CrossPostStatus.PUBLISHING, CrossPostStatus.PUBLISHED)


def check_add_slot(user, account_id: int, *, weekday: int, at: time, time_zone: str):
    """Add a weekly slot to an account `user` manages (Http404 otherwise)."""
    account = access_account(user, account_id)
    slot = PostingSlot(
        account=account, weekday=weekday, at=at.replace(second=0), time_zone=time_zone
    )
    slot.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            slot.save()
    except IntegrityError:
        raise ValidationError(_("This account already has that slot.")) from None
    return slot


def check_remove_slot(user, slot_id: int) -> None:
    """Remove a slot of an account `user` manages; nothing happens to other people's slots."""
    slot = PostingSlot.objects.filter(pk=slot_id).first()
    if slot is None:
        raise ValidationError(_("That slot is gone already."))
    access_account(user, slot.account_id)
    slot.delete()


def next_free_slot(accounts: list[ExternalAccount], *, after: datetime | None = None):
    """The earliest slot occurrence after `after` (default now) free for every account in
    `accounts`, or None when they have no slots or none is free within HORIZON."""
    start = (after or timezone.now()) + timedelta(minutes=1)
    end = start + HORIZON
    account_ids = [account.pk for account in accounts]
    slots = list(PostingSlot.objects.filter(account_id__in=account_ids))
    if not slots:
        return None
    taken = {
        moment.replace(second=0, microsecond=0)
        for moment in CrossPost.objects.filter(
            account_id__in=account_ids,
            status__in=TAKEN,
            scheduled_at__gte=start - timedelta(minutes=1),
            scheduled_at__lt=end,
        ).values_list("scheduled_at", flat=True)
    }
    # Aware datetimes compare (and hash) by the instant, whatever their zone.
    candidates = sorted({moment for slot in slots for moment in slot.occurrences(start, end)})
    return next((moment for moment in candidates if moment not in taken), None)
