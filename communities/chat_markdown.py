"""Chat bodies: a small Markdown subset rendered once on save and sanitised with nh3.

Chat is conversation, not publishing: emphasis, code, links, lists and quotes, no headings,
images or tables. The stored HTML is what every client shows, so nothing renders untrusted
Markdown later. @handles are found here for mention notifications and shown in bold.
"""

import re

import markdown
import nh3
from django.db.models.functions import Lower

from sosoon_site.accounts.models import User

MENTION = re.compile(r"(?<![\w@/\[`])@([A-Za-z0-9_]{2,30})\b")
ALLOWED_TAGS = {"a", "blockquote", "br", "code", "em", "li", "ol", "p", "pre", "strong", "ul"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
LINK_REL = "nofollow ugc noopener"


def render_chat_body(text: str) -> str:
    """Sanitised HTML for the Markdown `text`; @handles are emphasised."""
    source = MENTION.sub(lambda match: f"**@{match.group(1)}**", text)
    html = markdown.markdown(source, extensions=["fenced_code", "sane_lists", "nl2br"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        link_rel=LINK_REL,
        url_schemes={"http", "https", "mailto"},
    )


def mentioned_user_ids(text: str) -> list[int]:
    """Ids of the existing people `text` mentions as @handle (case-insensitive)."""
    handles = {handle.lower() for handle in MENTION.findall(text)}
    if not handles:
        return []
    return list(
        User.objects.annotate(lower_handle=Lower("handle"))
        .filter(lower_handle__in=handles)
        .values_list("pk", flat=True)
    )
