"""`{{ post.created|moment }}`: a moment as every page shows it (sosoon_site.moments).

Loaded as a builtin (settings.TEMPLATES), so every template can use it.
"""

from django import template
from django.utils.safestring import SafeString

from sosoon_site.moments import moment_html

register = template.Library()


@register.filter
def moment(value, css_class: str = "") -> SafeString:
    """`<time>` with the relative or dated text and the full time as its tooltip;
    `|moment:"muted"` gives the element that class."""
    return moment_html(value, css_class=css_class)
