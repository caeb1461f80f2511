"""Template context every page gets: the unread direct-message count for the top bar."""

from django.utils.functional import SimpleLazyObject

from communities.chat.services import unread_direct_count


def direct_messages(request) -> dict:
    """Lazy, so a page that draws no top bar (an htmx fragment) runs no query for it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_direct": SimpleLazyObject(lambda: unread_direct_count(user))}
