"""How Insights writes its numbers: a change with its sign, a share with its per cent sign,
and the shade of a retention cell (a class: the page's policy allows no inline styles)."""

from django import template

register = template.Library()
# Typographic signs, written by code point: an en dash for "nothing", a true minus sign.
NOTHING = "\u2013"
MINUS = "\u2212"


@register.filter
def number(value, percent: bool = False) -> str:
    """A count, a one-decimal average, or a share; an em dash when there is nothing to show."""
    if value is None:
        return NOTHING
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text}%" if percent else text


@register.filter
def signed(value, percent: bool = False) -> str:
    """A change, with a plus or minus sign in front ("points" for a change of share)."""
    if value is None:
        return NOTHING
    value = round(value, 1)
    sign = "+" if value > 0 else MINUS if value < 0 else "\u00b1"
    text = f"{abs(value):g}"
    return f"{sign}{text} pts" if percent else f"{sign}{text}"


@register.filter
def heat(share) -> str:
    """The heat-map class of a retention share: `heat-0` to `heat-10`, `heat-none` if empty."""
    if share is None:
        return "heat-none"
    return f"heat-{min(10, int(share // 10))}"
