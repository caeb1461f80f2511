"""Template helpers for feed pages.

A feed page repeats a post card twenty times or more, and the template engine's cost per
variable, per `{% url %}` and per `|date` (lookup, localisation, escaping, URL resolving) made
the cards most of the page's time. So the card is built here with `format_html` (which
escapes every value it is given; the body is the sanitised `body_html` the template showed with
`|safe`), and its links are reversed once per URL pattern rather than once per card.
templates/feeds/_post.html is the card for pages that include one.
"""

from functools import lru_cache
from urllib.parse import quote

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from feeds.audiences import describe_audience
from feeds.models import Audience, Emoji, Post

register = template.Library()

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
    """The composer's "who will see this" sentence for a draft whose choice may be incomplete."""
    if draft.audience == Audience.TIER and draft.min_tier is None:
        return "Choose the lowest tier that will see the post."
    if draft.audience == Audience.CIRCLE and draft.circle is None:
        return "Choose one of your circles."
    return describe_audience(draft)


def _card_time(moment) -> str:
    return format_date(timezone.localtime(moment), "j M Y, H:i")


def _post_header(post: Post) -> SafeString:
    """The card's header: author, community, time and badges. Needs `select_related` author,
    community, min_tier and circle (feeds.feed.with_card_data does it)."""
    author, community = post.author, post.community
    created = timezone.localtime(post.created)
    parts = [
        format_html(
            '<a class="post__author" href="{}">{}</a>\n    <span class="muted">@{}</span>\n'
            '    <span class="muted">in <a href="{}">{}</a></span>\n'
            '    <a class="muted post__time" href="{}"><time datetime="{}">{}</time></a>',
            card_url("feeds:person", "handle", author.handle),
            author.name,
            author.handle,
            card_url("feeds:community", "slug", community.slug),
            community.name,
            card_url("feeds:post", "post_id", post.pk),
            created.isoformat(),
            format_date(created, "j M Y, H:i"),
        )
    ]
    if post.edited:
        parts.append(
            format_html(
                '<span class="muted" title="Edited {}">· edited</span>', _card_time(post.edited)
            )
        )
    if post.pinned_at:
        parts.append(mark_safe('<span class="pill">Pinned</span>'))
    label = post.audience_label
    if label:
        parts.append(
            format_html(
                '<span class="pill pill--audience" data-testid="audience-badge">{}</span>', label
            )
        )
    return mark_safe("\n    ".join(parts))


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


@register.simple_tag(takes_context=True)
def reactions_block(context, post: Post) -> SafeString:
    """The card's reactions: for a signed-in viewer one form whose five buttons each send
    their emoji (with or without htmx), for a visitor the counts; and a link to who reacted.
    Needs `post.reaction_summary` and `post.reaction_total` (feeds.feed.with_card_data)."""
    user = context.get("user")
    if user is not None and user.is_authenticated:
        react_url = card_url("feeds:react", "post_id", post.pk)
        token = context.get("csrf_token")
        csrf = (
            format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
            if token and token != "NOTPROVIDED"
            else ""
        )
        inside = format_html(
            '<form method="post" action="{}" class="reactions__form"\n'
            '          hx-post="{}" hx-target="#reactions-{}" hx-swap="outerHTML">\n'
            '      {}<input type="hidden" name="next" value="{}">\n      {}\n    </form>',
            react_url,
            react_url,
            post.pk,
            csrf,
            context["request"].get_full_path(),
            reaction_buttons(post),
        )
    else:
        inside = format_html_join(
            "",
            '<span class="reaction">{} <span>{}</span></span>',
            (
                (reaction.symbol, reaction.count)
                for reaction in post.reaction_summary
                if reaction.count
            ),
        )
    who = (
        format_html(
            '<a class="muted" href="{}">Who reacted</a>',
            card_url("feeds:reactions", "post_id", post.pk),
        )
        if post.reaction_total
        else ""
    )
    return format_html(
        '<div class="reactions" id="reactions-{}" data-testid="reactions">\n  {}\n  {}\n</div>',
        post.pk,
        inside,
        who,
    )


def _images(post: Post) -> SafeString:
    images = post.images.all()
    if not images:
        return mark_safe("")
    return format_html(
        '\n    <div class="post__images post__images--{}">\n        {}\n      </div>',
        len(images),
        format_html_join(
            "",
            '<a href="{}"><img src="{}" width="{}" height="{}" alt="Image {} of the post"'
            ' loading="lazy"></a>',
            (
                (url, url, image.width, image.height, number)
                for number, image in enumerate(images, start=1)
                for url in [image.get_absolute_url()]
            ),
        ),
    )


@register.simple_tag(takes_context=True)
def post_card(context, post: Post) -> SafeString:
    """One post's card: header, body and images, reactions and the comment count; a removed
    post shows only that it was removed. Needs feeds.feed.with_card_data's post (related
    rows, prefetched images, counts and reactions)."""
    if post.is_removed:
        content = mark_safe('  <p class="muted post__removed">This post was removed.</p>')
    else:
        comments = post.visible_comments
        content = format_html(
            '    <div class="post__body">{}</div>{}\n    <footer class="post__footer">\n'
            '      {}\n      <a href="{}#comments" data-testid="comment-count">{} comment{}</a>'
            "\n    </footer>",
            mark_safe(post.body_html),  # sanitised when written (feeds.rendering)
            _images(post),
            reactions_block(context, post),
            card_url("feeds:post", "post_id", post.pk),
            comments,
            "" if comments == 1 else "s",
        )
    return format_html(
        '<article class="post card" id="post-{}" data-testid="post">\n'
        '  <header class="post__meta">\n    {}\n  </header>\n{}\n</article>',
        post.pk,
        _post_header(post),
        content,
    )
