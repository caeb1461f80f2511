"""Template tags for pages outside the app that show someone's communities."""

from django import template

from communities.models import Community

register = template.Library()


@register.simple_tag
def communities_of(user) -> list[Community]:
    """The communities `user` is an active member of, by name: their names and links only,
    so every page that lists them loads no descriptions or dates."""
    return list(Community.objects.of_member(user).only("name", "slug").order_by("name"))
