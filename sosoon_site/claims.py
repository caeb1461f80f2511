"""Work done once however many workers race for it: a row under a unique constraint claims
it (a digest's period, an event's reminder, a week's Insights email). The claim is inserted
in a savepoint of the caller's transaction, so the work it guards commits with it or not at
all, and a worker that loses the race learns so without spoiling that transaction."""

from django.db import IntegrityError, models, transaction


def claim_once(model: type[models.Model], **fields):
    """The new `model` row with `fields`, or None when another claim with the same unique
    fields exists (made by another worker, or by an earlier run)."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError:
        return None
