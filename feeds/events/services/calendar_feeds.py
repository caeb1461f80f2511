"""A person's private calendar address: made on first use, replaced or turned off at will.

The token is the only key, so replacing it makes every copy of the old address answer 404,
and turning it off removes the address altogether until a new one is made.
"""

from django.http import Http404

from feeds.events.models import CalendarFeed, new_calendar_token


def calendar_feed_of(user) -> CalendarFeed | None:
    """`user`'s calendar feed, or None while they have none (never made, or turned off)."""
    return CalendarFeed.objects.filter(user=user).first()


def do_renew_calendar_feed(user) -> CalendarFeed:
    """Give `user` a calendar address with a new token; the old one stops working at once."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = new_calendar_token()
        feed.save(update_fields=["token"])
    return feed


def do_revoke_calendar_feed(user) -> None:
    """Turn `user`'s calendar address off."""
    CalendarFeed.objects.filter(user=user).delete()


def access_calendar_feed(token: str) -> CalendarFeed:
    """The feed whose token this is (with its person); Http404 for a wrong or revoked one."""
    feed = CalendarFeed.objects.filter(token=token).select_related("user").first()
    if feed is None or not feed.user.is_active:
        raise Http404("No such calendar.")
    return feed
