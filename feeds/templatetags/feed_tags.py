"""Template helpers for feed pages.

A feed page repeats a post card twenty times or more, and the template engine's cost per
variable, per `{% url %}` and per date filter (lookup, localisation, escaping, URL
resolving) made the cards most of the page's time; `format_html` in their place still cost a
third of the page. So the card is built here with f-strings in which every value from a
person goes through `escape` (the body is the sanitised `body_html` the template showed
with `|safe`), its links are reversed once per URL pattern rather than once per card, and
what all cards of a page share is worked out once per render (`_page`).
templates/feeds/_post.html is the card for pages that include one; tests/feeds/test_cards.py
checks the card against `reverse` and its time against `sosoon_site.moments`.
"""

import html
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from feeds.audiences import describe_audience
from feeds.models import Emoji, Post
from sosoon_site.moments import moment_html, moment_title

register = template.Library()


def escape(value) -> str:
    """`value` as text, HTML-escaped as `django.utils.html.escape` does, minus its laziness."""
    return html.escape(str(value))


# Stands for the one argument of a card's URL pattern while it is reversed once: digits, so
# it fits `<int:...>` as well as `<str:...>` and `<slug:...>`.
_MARKER = "7130405060708091"
# The characters `reverse` leaves unquoted in an argument: filling a pattern quotes alike.
_SAFE = "!$&'()*+,;=/~:@"


@lru_cache(maxsize=64)
def _pattern(name: str, kwarg: str, prefix: str, urlconf: str) -> tuple[str, str]:
    """The text of `name`'s URL before and after its one argument `kwarg`.

    Keyed by the script prefix and the URLconf too, so a mounted site or a test's URLconf
    gets its own patterns."""
    before, marker, after = reverse(name, kwargs={kwarg: _MARKER}, urlconf=urlconf).rpartition(
        _MARKER
    )
    if not marker:
        raise ValueError(f"{name} does not show its {kwarg} in its URL")
    return before, after


def card_url(name: str, kwarg: str, value) -> str:
    """`reverse(name, kwargs={kwarg: value})` for the card's one-argument URLs, without
    resolving the pattern again for every card. `value` is a post id, a handle or a slug,
    all of which the patterns accept as they are."""
    before, after = _pattern(
        name, kwarg, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
    )
    return f"{before}{quote(str(value), safe=_SAFE)}{after}"


@register.filter
def audience_line(draft: Post) -> str:
    """The composer's "Visible to N people" sentence for the draft's chosen audience."""
    return describe_audience(draft)


@dataclass(frozen=True)
class _Page:
    """What every card of one render shares, worked out once: where URLs start and the
    reaction form's hidden fields (the CSRF token and the page to come back to)."""

    prefix: str
    urlconf: str
    signed_in: bool
    hidden_fields: str

    def url(self, name: str, kwarg: str, value) -> str:
        before, after = _pattern(name, kwarg, self.prefix, self.urlconf)
        return escape(f"{before}{quote(str(value), safe=_SAFE)}{after}")


def _page(context) -> _Page:
    page = context.render_context.get(_Page)
    if page is None:
        user = context.get("user")
        token = context.get("csrf_token")
        csrf = (
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'
            if token and token != "NOTPROVIDED"
            else ""
        )
        next_path = escape(context["request"].get_full_path()) if "request" in context else ""
        page = context.render_context[_Page] = _Page(
            prefix=get_script_prefix(),
            urlconf=get_urlconf() or settings.ROOT_URLCONF,
            signed_in=user is not None and user.is_authenticated,
            hidden_fields=f'{csrf}<input type="hidden" name="next" value="{next_path}">',
        )
    return page


AVATAR_HUES = 6


def avatar(name: str, image, pk: int, *, css: str = "avatar") -> str:
    """A person's or a community's picture, or, without one, their initial on a colour picked
    from the id (a class, as the Content-Security-Policy refuses inline styles). Decorative:
    the name beside it says who."""
    if image:
        return f'<img class="{css}" src="{escape(image.url)}" alt="" width="40" height="40">'
    initial = escape((name.strip()[:1] or "?").upper())
    return (
        f'<span class="{css} avatar--letter avatar--hue-{pk % AVATAR_HUES}"'
        f' aria-hidden="true">{initial}</span>'
    )


def _post_header(post: Post, page: _Page) -> str:
    """The card's header: author, community, time and badges, every value escaped. Needs
    `select_related` author, community, min_tier and circle (feeds.feed does it)."""
    author, community = post.author, post.community
    person = page.url("feeds:person", "handle", author.handle)
    home = page.url("feeds:community", "slug", community.slug)
    in_word = escape(_("in"))
    parts = [
        f'<a class="post__avatar" href="{person}" tabindex="-1" aria-hidden="true">'
        f"{avatar(author.name, author.avatar, author.pk)}</a>\n"
        f'    <a class="post__author" href="{person}">{escape(author.name)}</a>\n'
        f'    <span class="muted">@{escape(author.handle)}</span>\n'
        f'    <span class="muted post__community">{in_word} <a href="{home}">'
        f"{avatar(community.name, community.avatar, community.pk, css='avatar avatar--small')}"
        f"{escape(community.name)}</a></span>\n"
        f'    <a class="muted post__time" href="{page.url("feeds:post", "post_id", post.pk)}">'
        f"{moment_html(post.created)}</a>"
    ]
    if post.edited:
        title = escape(_("Edited %(moment)s") % {"moment": moment_title(post.edited)})
        edited = escape(_("edited"))
        parts.append(f'<span class="muted" title="{title}">· {edited}</span>')
    if post.pinned_at:
        pinned = escape(_("Pinned"))
        parts.append(f'<span class="pill">{pinned}</span>')
    label = post.audience_label
    if label:
        parts.append(
            f'<span class="pill pill--audience" data-testid="audience-badge">{escape(label)}</span>'
        )
    return "\n    ".join(parts)


EVENT_START_FORMAT = "D j M, H:i e"


def _event_line(post: Post, page: _Page) -> str:
    """An event's title and start above its description, linking the event page (where the
    RSVP is); empty for a plain post. Needs feeds.feed's `card_event`."""
    event = getattr(post, "card_event", None)
    if event is None:
        return ""
    starts = timezone.localtime(event.starts_at)
    cancelled = (
        ' <strong class="pill">' + escape(_("Cancelled")) + "</strong>" if event.cancelled else ""
    )
    return (
        f'    <p class="post__event" data-testid="post-event">'
        f'<a href="{page.url("events:event", "event_id", event.id)}">'
        f"<strong>{escape(event.title)}</strong></a>{cancelled}"
        f' <time class="muted" datetime="{starts.isoformat()}">'
        f"{escape(dateformat.format(starts, EVENT_START_FORMAT))}</time></p>\n"
    )


def _reaction_button(reaction) -> str:
    emoji = Emoji(reaction.emoji)  # a fixed choice, or ValueError: nothing else gets through
    count = f" <span>{reaction.count:d}</span>" if reaction.count else ""
    mine = " reaction--mine" if reaction.mine else ""
    pressed = "true" if reaction.mine else "false"
    return (
        f'<button type="submit" name="emoji" value="{emoji.value}" class="reaction{mine}"'
        f' aria-pressed="{pressed}" title="{emoji.value}">{emoji.label}{count}</button>'
    )


def reaction_buttons(post: Post) -> SafeString:
    """The card's reaction buttons, one per emoji, for the card's one reaction form.

    Nothing here needs escaping: every value is one of the fixed Emoji choices, a count
    formatted as an integer, or a literal. Needs `post.reaction_summary`
    (feeds.feed.with_card_data).
    """
    return mark_safe("".join(_reaction_button(reaction) for reaction in post.reaction_summary))


def _counts(post: Post) -> str:
    return "".join(
        f'<span class="reaction">{reaction.symbol} <span>{reaction.count:d}</span></span>'
        for reaction in post.reaction_summary
        if reaction.count
    )


@register.simple_tag
def reaction_counts(post: Post) -> SafeString:
    """The reactions as counts alone, for the public teaser: someone outside sees that people
    care, with nothing to press and no list of who reacted."""
    return mark_safe(f'<div class="reactions" data-testid="reactions">{_counts(post)}</div>')


def _reactions(post: Post, page: _Page) -> str:
    if page.signed_in:
        react_url = page.url("feeds:react", "post_id", post.pk)
        inside = (
            f'<form method="post" action="{react_url}" class="reactions__form"\n'
            f'          hx-post="{react_url}" hx-target="#reactions-{post.pk}"'
            ' hx-swap="outerHTML">\n'
            f"      {page.hidden_fields}\n      {reaction_buttons(post)}\n    </form>"
        )
    else:
        inside = _counts(post)
    who = (
        f'<a class="muted" href="{page.url("feeds:reactions", "post_id", post.pk)}">'
        + escape(_("Who reacted"))
        + "</a>"
        if post.reaction_total
        else ""
    )
    return (
        f'<div class="reactions" id="reactions-{post.pk}" data-testid="reactions">\n'
        f"  {inside}\n  {who}\n</div>"
    )


@register.simple_tag(takes_context=True)
def reactions_block(context, post: Post) -> SafeString:
    """The card's reactions: for a signed-in viewer one form whose five buttons each send
    their emoji (with or without htmx), for a visitor the counts; and a link to who reacted.
    Needs `post.reaction_summary` and `post.reaction_total` (feeds.feed.with_card_data)."""
    return mark_safe(_reactions(post, _page(context)))


def _images(post: Post) -> str:
    images = post.card_images
    if not images:
        return ""
    alt = _("Image %(number)s of the post")
    links = "".join(
        f'<a href="{url}"><img src="{url}" width="{image.width:d}" height="{image.height:d}"'
        f' alt="{escape(alt % {"number": number})}"'
        ' loading="lazy"></a>'
        for number, image in enumerate(images, start=1)
        for url in [escape(image.get_absolute_url())]
    )
    return (
        f'\n    <div class="post__images post__images--{len(images)}">\n'
        f"        {links}\n      </div>"
    )


@register.simple_tag(takes_context=True)
def post_card(context, post: Post) -> SafeString:
    """One post's card: header, body and images, reactions and the comment count; a removed
    post shows only that it was removed. Needs feeds.feed's card post (related rows,
    `card_images`, counts and reactions)."""
    page = _page(context)
    if post.is_removed:
        removed = escape(_("This post was removed."))
        content = f'  <p class="muted post__removed">{removed}</p>'
    else:
        comments = post.visible_comments
        comment_count = ngettext("%(count)s comment", "%(count)s comments", comments) % {
            "count": f"{comments:d}"
        }
        content = (
            # body_html was sanitised when written (sosoon_site.rendering).
            f"{_event_line(post, page)}"
            f'    <div class="post__body">{post.body_html}</div>{_images(post)}\n'
            f'    <footer class="post__footer">\n      {_reactions(post, page)}\n'
            f'      <a href="{page.url("feeds:post", "post_id", post.pk)}#comments"'
            f' data-testid="comment-count">{escape(comment_count)}</a>'
            "\n    </footer>"
        )
    return mark_safe(
        f'<article class="post card" id="post-{post.pk}" data-testid="post">\n'
        f'  <header class="post__meta">\n    {_post_header(post, page)}\n  </header>\n'
        f"{content}\n</article>"
    )
