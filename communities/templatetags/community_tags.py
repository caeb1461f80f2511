"""Template tags for pages outside the app that show someone's communities."""

from django import template

from communities.models import Community
from sosoon_site.accounts.models import User
from sosoon_site.compiled_queries import compiled_rows

register = template.Library()


@register.simple_tag
def communities_of(user) -> list[Community]:
    """The communities `user` is an active member of, by name: their names and links only
    (the query compiled once per process, sosoon_site/compiled_queries.py)."""
    if not user.is_authenticated:
        return []
    rows = compiled_rows(
        "communities_of",
        lambda user: (
            Community.objects.of_member(User(pk=user))
            .order_by("name")
            .values_list("pk", "name", "slug")
        ),
        user=user.pk,
    )
    return [Community(pk=pk, name=name, slug=slug) for pk, name, slug in rows]
