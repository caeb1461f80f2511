"""Template helpers for feed pages."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from feeds.audiences import describe_audience
from feeds.models import Audience, Emoji, Post

register = template.Library()


@register.filter
def audience_line(draft: Post) -> str:
    """The composer's "who will see this" sentence for a draft whose choice may be incomplete."""
    if draft.audience == Audience.TIER and draft.min_tier is None:
        return "Choose the lowest tier that will see the post."
    if draft.audience == Audience.CIRCLE and draft.circle is None:
        return "Choose one of your circles."
    return describe_audience(draft)


def _reaction_button(reaction) -> str:
    emoji = Emoji(reaction.emoji)  # a fixed choice, or ValueError: nothing else gets through
    count = f" <span>{reaction.count:d}</span>" if reaction.count else ""
    mine = " reaction--mine" if reaction.mine else ""
    pressed = "true" if reaction.mine else "false"
    return (
        f'<button type="submit" name="emoji" value="{emoji.value}" class="reaction{mine}"'
        f' aria-pressed="{pressed}" title="{emoji.value}">{emoji.label}{count}</button>'
    )


@register.simple_tag
def reaction_buttons(post: Post) -> SafeString:
    """The card's reaction buttons, one per emoji, for the card's one reaction form.

    Built here rather than in the template: a feed page repeats them a hundred times, and the
    template engine's cost per variable (lookup, localisation, escaping) made them a third of
    the page's rendering. Nothing here needs escaping: every value is one of the fixed Emoji
    choices, a count formatted as an integer, or a literal. Needs `post.reaction_summary`
    (feeds.feed.with_card_data).
    """
    return mark_safe("".join(_reaction_button(reaction) for reaction in post.reaction_summary))
