"""Moderation's answers to governance's screening registry (communities.screening): its
auto-moderation screens what members write, and its withheld content is what the readers'
rules leave out. Registered at start-up, so chat asks the registry and never imports this
capability."""

from communities.moderation.models import is_withheld, released_to, withheld_from
from communities.moderation.services.automod import hold_for_review, screen_content
from communities.screening import Withholding, register_screen, register_withholding


def register_moderation_screening() -> None:
    register_screen(screen_content)
    register_withholding(
        Withholding(
            withheld_from=withheld_from,
            released_to=released_to,
            is_withheld=is_withheld,
            hold_for_review=hold_for_review,
        )
    )
