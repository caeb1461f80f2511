"""`|content_name`: what a report or a held item is about, said in the reader's language.

Reports and withheld rows keep the content kind's label ("post", "chat_message"), an
identifier that is never translated; the moderation pages show this name instead.
"""

from django import template
from django.utils.translation import pgettext_lazy

register = template.Library()

CONTENT_NAMES = {
    "post": pgettext_lazy("content kind", "post"),
    "comment": pgettext_lazy("content kind", "comment"),
    "chat_message": pgettext_lazy("content kind", "chat message"),
    "member": pgettext_lazy("content kind", "member"),
    "community": pgettext_lazy("content kind", "community"),
}


@register.filter
def content_name(label: str) -> str:
    """The readable name of the content kind `label`; the label itself for other kinds."""
    return str(CONTENT_NAMES.get(label, label))
