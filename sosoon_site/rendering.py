"""Markdown to safe HTML, once, when a post, comment or chat message is saved; @mentions of
existing people become links to their page.

Bodies are stored twice: the Markdown the author wrote (for editing) and the sanitised HTML
every page and socket frame shows, so nothing renders untrusted Markdown later and nh3 runs
once per save, not per view. One nh3 configuration serves all three: no remote images (no
tracking pixels), links only to http, https and mailto, with rel="nofollow ugc noopener".
Chat is conversation, not publishing, so `chat=True` narrows it to a subset (no headings or
rules) and keeps the line breaks people type. It lives here, not in feeds or communities,
because both use it and communities may not import feeds.
"""

import html
import re
from collections.abc import Iterable

import markdown
import nh3
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator

from sosoon_site.accounts.models import User

# Not after a word, an @, a slash (addresses, URLs), a [ (a link's text) or a backtick (code).
MENTION = re.compile(r"(?<![\w@/\[`])@([A-Za-z0-9_]{2,30})\b")
CHAT_TAGS = frozenset(
    {"a", "blockquote", "br", "code", "em", "li", "ol", "p", "pre", "strong", "ul"}
)
POST_TAGS = CHAT_TAGS | {"del", "h3", "h4", "h5", "h6", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
LINK_REL = "nofollow ugc noopener"
URL_SCHEMES = {"http", "https", "mailto"}
# Where one block of rendered text ends and the next begins, so their words stay apart.
BLOCK_END = re.compile(r"<(?:br|hr|/p|/li|/h[3-6]|/blockquote|/pre)\b[^>]*>", re.IGNORECASE)


def mentioned_people(text: str) -> list[User]:
    """The existing people `text` mentions as @handle (handles match case-insensitively)."""
    handles = {handle.lower() for handle in MENTION.findall(text)}
    if not handles:
        return []
    return list(
        User.objects.annotate(lower_handle=Lower("handle")).filter(lower_handle__in=handles)
    )


def render_markdown(text: str, *, mentioned: Iterable[User], chat: bool = False) -> str:
    """Sanitised HTML for `text`, with @handle of each person in `mentioned` as a link to
    their page; `chat` renders chat's subset and keeps single line breaks."""
    by_handle = {person.handle.lower(): person for person in mentioned}

    def link(match: re.Match) -> str:
        person = by_handle.get(match.group(1).lower())
        if person is None:
            return match.group(0)
        # The person page is feeds', reached by its URL name: this module imports no app.
        url = reverse("feeds:person", kwargs={"handle": person.handle})
        return f"[@{person.handle.replace('_', chr(92) + '_')}]({url})"

    source = MENTION.sub(link, text)
    extensions = ["fenced_code", "sane_lists", *(["nl2br"] if chat else [])]
    html = markdown.markdown(source, extensions=extensions)
    return nh3.clean(
        html,
        tags=set(CHAT_TAGS if chat else POST_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        link_rel=LINK_REL,
        url_schemes=URL_SCHEMES,
    )


def plain_text(rendered: str, *, limit: int | None = None) -> str:
    """The words a reader sees in `rendered` (HTML from `render_markdown`) on one line, with
    no tags, entities or Markdown, cut to `limit` characters: for titles and excerpts."""
    text = html.unescape(strip_tags(BLOCK_END.sub(" ", rendered)))
    text = " ".join(text.split())
    return Truncator(text).chars(limit) if limit else text
