"""Template helpers for feed pages."""

from django import template

from feeds.audiences import describe_audience
from feeds.models import Audience, Post

register = template.Library()


@register.filter
def audience_line(draft: Post) -> str:
    """The composer's "who will see this" sentence for a draft whose choice may be incomplete."""
    if draft.audience == Audience.TIER and draft.min_tier is None:
        return "Choose the lowest tier that will see the post."
    if draft.audience == Audience.CIRCLE and draft.circle is None:
        return "Choose one of your circles."
    return describe_audience(draft)
