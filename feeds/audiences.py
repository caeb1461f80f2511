"""Which audiences an author may choose for a post, and how to describe one in words.

The composer, the post form and the services all validate through `validate_audience`, so a
tier from another community, someone else's circle or a public post where teasers are off is
refused the same way everywhere. The composer offers them as one list in words
(`audience_choices`): "Everyone in Natural Wine Club", "Insider and above", "Close friends",
"Public teaser", each one value that stands for an audience with its tier or circle.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communities.models import Community, Tier
from feeds.models import Audience, Circle, Post
from feeds.policy import audience_of


def validate_audience(
    author, community: Community, audience: str, *, min_tier: Tier | None, circle: Circle | None
) -> None:
    """ValidationError (keyed by form field) unless `author` may address this audience."""
    if audience not in Audience.values:
        raise ValidationError({"audience": _("Choose who will see the post.")})
    if audience == Audience.TIER:
        if min_tier is None:
            raise ValidationError({"min_tier": _("Choose the lowest tier that will see the post.")})
        if min_tier.community_id != community.pk:
            raise ValidationError({"min_tier": _("That tier belongs to another community.")})
    if audience == Audience.CIRCLE:
        if circle is None:
            raise ValidationError({"circle": _("Choose one of your circles.")})
        if circle.owner_id != author.pk:
            raise ValidationError({"circle": _("You can only post to your own circles.")})
    if audience == Audience.PUBLIC and not community.allow_public_teasers:
        raise ValidationError(
            {
                "audience": _("%(community)s does not allow public teaser posts.")
                % {"community": community.name}
            }
        )


def describe_audience(post: Post) -> str:
    """ "Visible to 37 members of Natural Wine Club at Insider or above (its owner and admins
    included)", counted through the policy's reverse form (so blocks and inactive members are
    not counted, and the owner and admins, who see every tier, are)."""
    community = post.community.name
    if post.audience == Audience.PUBLIC:
        return _("Visible to anyone, signed in or not, as a public teaser of %(community)s") % {
            "community": community
        }
    count = audience_of(post).count()
    words = {"count": count, "community": community}
    if post.audience == Audience.TIER:
        return ngettext(
            "Visible to %(count)s member of %(community)s at %(tier)s or above"
            " (its owner and admins included)",
            "Visible to %(count)s members of %(community)s at %(tier)s or above"
            " (its owner and admins included)",
            count,
        ) % {**words, "tier": post.min_tier.name}
    if post.audience == Audience.CIRCLE:
        return ngettext(
            "Visible to %(count)s person in %(community)s: you and the people of %(circle)s there",
            "Visible to %(count)s people in %(community)s: you and the people of %(circle)s there",
            count,
        ) % {**words, "circle": post.circle.label}
    return (
        ngettext(
            "Visible to %(count)s member of %(community)s",
            "Visible to %(count)s members of %(community)s",
            count,
        )
        % words
    )


@dataclass(frozen=True)
class AudienceChoice:
    """One entry of the composer's audience list: its form value, its words, and the post
    fields it stands for."""

    value: str
    label: str
    audience: str
    min_tier: Tier | None = None
    circle: Circle | None = None


def choice_value(audience: str, *, min_tier_id: int | None, circle_id: int | None) -> str:
    """The composer's value for an audience: "community", "public", "tier:3", "circle:8"."""
    if audience == Audience.TIER:
        return f"{Audience.TIER}:{min_tier_id}"
    if audience == Audience.CIRCLE:
        return f"{Audience.CIRCLE}:{circle_id}"
    return audience


def audience_choices(author, community: Community, *, keep: str = "") -> list[AudienceChoice]:
    """What `author` may choose for a post in `community`, in words, widest first: the whole
    community, each tier above the lowest (the lowest is everyone; offered only when `keep`,
    the edited post's own choice, is it), the author's own circles, and a public teaser
    where the community allows them. Two queries."""
    choices = [
        AudienceChoice(
            Audience.COMMUNITY,
            _("Everyone in %(community)s") % {"community": community.name},
            Audience.COMMUNITY,
        )
    ]
    tiers = list(community.tiers.order_by("rank"))
    choices += [
        AudienceChoice(
            choice_value(Audience.TIER, min_tier_id=tier.pk, circle_id=None),
            _("%(tier)s and above") % {"tier": tier.name},
            Audience.TIER,
            min_tier=tier,
        )
        for position, tier in enumerate(tiers)
        if position or keep == choice_value(Audience.TIER, min_tier_id=tier.pk, circle_id=None)
    ]
    choices += [
        AudienceChoice(
            choice_value(Audience.CIRCLE, min_tier_id=None, circle_id=circle.pk),
            circle.label,
            Audience.CIRCLE,
            circle=circle,
        )
        for circle in Circle.objects.filter(owner=author)
    ]
    if community.allow_public_teasers:
        choices.append(AudienceChoice(Audience.PUBLIC, _("Public teaser"), Audience.PUBLIC))
    return choices
