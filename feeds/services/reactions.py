"""Reactions: one of each emoji per person per post, toggled; not while muted, and within
the reaction rate limit (feeds.services.screening)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from feeds.models import Emoji, Post, Reaction
from feeds.notifying import notify_reaction
from feeds.policy import access_post
from feeds.services.screening import REACTION_RATE, require_not_muted


def do_toggle_reaction(user, post: Post, emoji: str) -> Reaction | None:
    """Add the reaction, or take it back if it was there; the new one or None."""
    removed, _ = Reaction.objects.filter(post=post, user=user, emoji=emoji).delete()
    if removed:
        return None
    try:
        with transaction.atomic():
            reaction = Reaction.objects.create(post=post, user=user, emoji=emoji)
            notify_reaction(post, user)
            return reaction
    except IntegrityError:  # a double click raced us: the reaction is there, as wanted
        return Reaction.objects.get(post=post, user=user, emoji=emoji)


def check_toggle_reaction(user, post_id, emoji: str) -> tuple[Post, Reaction | None]:
    post = access_post(user, post_id)
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to react.")
    if emoji not in Emoji.values:
        raise ValidationError(_("Pick one of the reactions offered."))
    if post.is_removed:
        raise ValidationError(_("This post was removed."))
    require_not_muted(user, post.community)
    REACTION_RATE.require(user.pk, action="reactions")
    return post, do_toggle_reaction(user, post, emoji)
