"""Template tags for pages outside the app that show someone's communities."""

from django import template

from communities.models import Community

register = template.Library()


@register.simple_tag
def communities_of(user) -> list[Community]:
    """The communities `user` is an active member of, by name."""
    return list(Community.objects.of_member(user).order_by("name"))
