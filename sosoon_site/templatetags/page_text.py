"""Filters for text that leaves the page's markup (a browser title, an excerpt of a post), and
the one way a stored reason reaches its reader.

Loaded as a builtin (settings.TEMPLATES), so every template, allauth's included, can use them.
"""

from django import template

from sosoon_site import languages, rendering

register = template.Library()

SITE_NAME = "Sosoon"


@register.filter
def plain_text(rendered: str, limit: int | None = None) -> str:
    """`{{ post.body_html|plain_text:60 }}`: the rendered body as plain words, shortened."""
    return rendering.plain_text(str(rendered or ""), limit=limit)


@register.filter
def page_title(title: str) -> str:
    """A page's <title>: what its `head_title` block says, on one line, then the site's name
    (just the name when the block is empty). allauth's blocks span several lines."""
    text = " ".join(str(title).split())
    return f"{text} · {SITE_NAME}" if text else SITE_NAME


@register.filter
def in_reader_language(text: str, words: dict | None = None) -> str:
    """`{{ crosspost.reason|in_reader_language:crosspost.reason_words }}`: a stored reason in
    the reader's language (sosoon_site.languages.in_reader_language)."""
    return languages.in_reader_language(str(text or ""), words)
