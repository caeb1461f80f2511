"""What every post, comment and reaction passes before it is saved: the author's mute, the
community's auto-moderation (word and pattern filter, new members' first posts held), and the
per-person rate limits.

The verdicts come from governance's screening registry (communities.screening), the same one
chat asks, where moderation's auto-moderation is registered; the mute itself is moderation's
(communities.moderation.services.automod). This module turns the verdicts into what feeds'
forms show: a blocked post is a form error and nothing is saved; a held one is saved with
`held_reason` and withheld until a moderator approves it (feeds.policy keeps it from everyone
but its author and the moderators). Rate limits raise RateLimited, which the site middleware
answers with the friendly 429 page.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from communities.models import Community
from communities.moderation.services.automod import mute_message, muted_until
from communities.screening import screen
from sosoon_site.languages import ReadersWords, readable
from sosoon_site.rate_limits import TokenBucket

# Budgets per person, across every process: bursts a keen member never reaches, floods none
# get through. Posts are the most expensive to moderate, reactions the cheapest.
POST_RATE = TokenBucket("feeds.post", capacity=10, per_seconds=600)
COMMENT_RATE = TokenBucket("feeds.comment", capacity=20, per_seconds=300)
REACTION_RATE = TokenBucket("feeds.reaction", capacity=30, per_seconds=60)


def screen_text(user, community: Community, text: str) -> "ReadersWords | str":
    """The reason to hold `text` for review, or "" to publish it at once; ValidationError on
    the body (a muted author, a blocked word) when it may not be saved at all."""
    screening = screen(user, community, text)
    if screening.blocked:
        raise ValidationError({"body": screening.reason})
    return screening.reason if screening.held else ""


def require_not_muted(user, community: Community) -> None:
    """ValidationError while `user` is muted (read-only) in `community`."""
    until = muted_until(user, community)
    if until is not None:
        raise ValidationError(mute_message(until))


def held_notice(what: str, reason: "ReadersWords | str") -> str:
    """What the author is told when their post or comment (`what`) was held, in the active
    language (theirs: they are the one posting)."""
    if what == "comment":
        notice = _(
            "Your comment is held for review: only you and the moderators see it until it is "
            "approved. %(reason)s"
        )
    else:
        notice = _(
            "Your post is held for review: only you and the moderators see it until it is "
            "approved. %(reason)s"
        )
    return notice % {"reason": readable(reason)}
