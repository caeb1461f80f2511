"""Moving a cross-post to another time from the calendar (drag and drop or the plain form)."""

from datetime import datetime

from django.core.exceptions import ValidationError

from feeds.crossposting.calendar.access import access_crosspost
from feeds.crossposting.models import CrossPost
from feeds.crossposting.services import scheduling


def check_move(user, crosspost_id: int, scheduled_at: datetime) -> CrossPost:
    """Give a scheduled or failed cross-post of an account `user` manages a new time.

    Http404 for anyone else's; ValidationError when the time is past, the cross-post has
    already gone, or the post stopped being public (the audience policy decides, now)."""
    crosspost = access_crosspost(user, crosspost_id)
    if not scheduling.is_public(crosspost.post):
        raise ValidationError("Only public posts can be cross-posted; this one is not any more.")
    scheduling.do_reschedule(crosspost, scheduled_at)
    return crosspost
