"""Which audiences an author may choose for a post, and how to describe one in words.

The composer, the post form and the services all validate through `validate_audience`, so a
tier from another community, someone else's circle or a public post where teasers are off is
refused the same way everywhere.
"""

from django.core.exceptions import ValidationError

from communities.models import Community, Tier
from feeds.models import Audience, Circle, Post
from feeds.policy import audience_of


def validate_audience(
    author, community: Community, audience: str, *, min_tier: Tier | None, circle: Circle | None
) -> None:
    """ValidationError (keyed by form field) unless `author` may address this audience."""
    if audience not in Audience.values:
        raise ValidationError({"audience": "Choose who will see the post."})
    if audience == Audience.TIER:
        if min_tier is None:
            raise ValidationError({"min_tier": "Choose the lowest tier that will see the post."})
        if min_tier.community_id != community.pk:
            raise ValidationError({"min_tier": "That tier belongs to another community."})
    if audience == Audience.CIRCLE:
        if circle is None:
            raise ValidationError({"circle": "Choose one of your circles."})
        if circle.owner_id != author.pk:
            raise ValidationError({"circle": "You can only post to your own circles."})
    if audience == Audience.PUBLIC and not community.allow_public_teasers:
        raise ValidationError({"audience": f"{community.name} does not allow public teaser posts."})


def describe_audience(post: Post) -> str:
    """ "Visible to 37 members of Natural Wine Club at Insider or above (its owner and admins
    included)", counted through the policy's reverse form (so blocks and inactive members are
    not counted, and the owner and admins, who see every tier, are)."""
    community = post.community.name
    if post.audience == Audience.PUBLIC:
        return f"Visible to anyone, signed in or not, as a public teaser of {community}"
    count = audience_of(post).count()
    people = "1 person" if count == 1 else f"{count} people"
    members = "1 member" if count == 1 else f"{count} members"
    if post.audience == Audience.TIER:
        return (
            f"Visible to {members} of {community} at {post.min_tier.name} or above"
            " (its owner and admins included)"
        )
    if post.audience == Audience.CIRCLE:
        return f"Visible to {people} in {community}: you and the people of {post.circle.name} there"
    return f"Visible to {members} of {community}"
