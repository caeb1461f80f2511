"""Markdown to safe HTML, once, when a post or comment is saved; @mentions become links.

Bodies are stored twice: the Markdown the author wrote (for editing) and the sanitised HTML
every page shows, so no page renders untrusted Markdown and nh3 runs once per save, not per
view. Remote images are not allowed (no tracking pixels); links get rel="nofollow ugc
noopener".
"""

import re

import markdown
import nh3
from django.db.models.functions import Lower
from django.urls import reverse

from sosoon_site.accounts.models import User

MENTION = re.compile(r"(?<![\w@/\[])@([A-Za-z0-9_]{2,30})\b")
ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6", "hr", "li", "ol",
    "p", "pre", "strong", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
LINK_REL = "nofollow ugc noopener"


def mentioned_people(text: str) -> list[User]:
    """The existing people `text` mentions as @handle (handles match case-insensitively)."""
    handles = {handle.lower() for handle in MENTION.findall(text)}
    if not handles:
        return []
    return list(
        User.objects.annotate(lower_handle=Lower("handle")).filter(lower_handle__in=handles)
    )


def render_body(text: str, *, mentioned: list[User]) -> str:
    """Sanitised HTML for `text`, with @handle of each person in `mentioned` as a link."""
    by_handle = {person.handle.lower(): person for person in mentioned}

    def link(match: re.Match) -> str:
        person = by_handle.get(match.group(1).lower())
        if person is None:
            return match.group(0)
        url = reverse("feeds:person", kwargs={"handle": person.handle})
        return f"[@{person.handle.replace('_', chr(92) + '_')}]({url})"

    source = MENTION.sub(link, text)
    html = markdown.markdown(source, extensions=["fenced_code", "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        link_rel=LINK_REL,
        url_schemes={"http", "https", "mailto"},
    )
