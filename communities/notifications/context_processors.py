"""Template context every page gets: the unread notification count for the top bar."""

from django.utils.functional import SimpleLazyObject

from communities.notifications.services import unread_count


def notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
