"""Demo posts for `make run`, after communities' demo. Idempotent: only what is missing.

Every demo member gets the default weekly digest of each community (feeds/digests/demo.py).
In the Natural Wine Club: a post for everyone, an Insider-only preview (ana, the owner, sees
it from the base tier) on a release ladder (every member from the coming Friday 09:00, a
public teaser from the Monday after), a post to ana's
"Close friends" (ben and emma are in it), a pinned announcement, comments and reactions, and
a public teaser with a photo for ana to cross-post to the sandbox networks, its events
(feeds/events/demo.py), and 90 days of tasters' history for Insights
(feeds/insights/demo.py). In Vintage Synth Makers: a public teaser (the community allows
them) and a member post.
"""

import zoneinfo
from datetime import datetime, time, timedelta
from io import BytesIO

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from communities.models import Community, Tier
from feeds.digests import demo as digest_demo
from feeds.events import demo as events_demo
from feeds.insights.demo import seed_history
from feeds.models import Audience, CircleMember, Post
from feeds.releases.services import StepDraft, do_save_ladder
from feeds.services.circles import close_friends_of
from feeds.services.comments import do_add_comment
from feeds.services.posts import do_create_post
from feeds.services.reactions import do_toggle_reaction
from sosoon_site.accounts.models import User

WINE_POSTS = [
    # (author, audience, body, comments as (handle, body), reactions as (handle, emoji))
    (
        "ana",
        Audience.COMMUNITY,
        "Welcome to the club! Tell us the **last bottle** that surprised you.",
        [("farid", "A skin-contact Grüner from the Kamptal. Wild."), ("gina", "Anything by @emma")],
        [("ben", "heart"), ("farid", "clap"), ("gina", "heart")],
    ),
    (
        "ben",
        Audience.TIER,
        "Insider preview: the spring allocation opens Friday at 9:00. Six bottles each.",
        [("emma", "Setting an alarm.")],
        [("emma", "wow"), ("ana", "thumbs_up")],
    ),
    (
        "ana",
        Audience.CIRCLE,
        "Between us: the tasting room moves to the old bakery next month.",
        [("ben", "Finally!")],
        [("emma", "heart")],
    ),
]


def _preview_ladder(community: Community) -> list[StepDraft]:
    """The preview's later steps: all members from the coming Friday at 09:00 and a public
    teaser from the Monday after at 08:00, in the community's time zone."""
    zone = zoneinfo.ZoneInfo(community.time_zone)
    today = timezone.localdate(timezone=zone)
    friday = today + timedelta(days=(4 - today.weekday()) % 7 or 7)
    monday = friday + timedelta(days=3)
    return [
        StepDraft(at=datetime.combine(friday, time(9), tzinfo=zone), audience=Audience.COMMUNITY),
        StepDraft(at=datetime.combine(monday, time(8), tzinfo=zone), audience=Audience.PUBLIC),
    ]


WINE_TEASER = "Spring allocation: twelve growers, six bottles each. Members hear first."


def _teaser_photo() -> ContentFile:
    """A square JPEG (TikTok and Pinterest need a photo; a generated one keeps the demo small)."""
    image = Image.new("RGB", (1080, 1080), (110, 20, 45))
    ImageDraw.Draw(image).ellipse((340, 340, 740, 740), fill=(236, 200, 120))
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name="spring-allocation.jpg")


def _user(handle: str) -> User:
    return User.objects.get(handle=handle)


def _post(community, handle, audience, body, *, min_tier=None, circle=None) -> tuple[Post, bool]:
    author = _user(handle)
    existing = Post.objects.filter(community=community, author=author, body=body).first()
    if existing is not None:
        return existing, False
    return (
        do_create_post(
            author, community, body=body, audience=audience, min_tier=min_tier, circle=circle
        ),
        True,
    )


def seed() -> list[str]:
    """Create what is missing; return what was created, for the log."""
    created = []
    wine = Community.objects.filter(slug="natural-wine-club").first()
    synth = Community.objects.filter(slug="vintage-synth-makers").first()
    if wine is None or synth is None:
        return created
    friends = close_friends_of(_user("ana"))
    for handle in ("ben", "emma"):
        _, new = CircleMember.objects.get_or_create(circle=friends, user=_user(handle))
        if new:
            created.append(f"{handle} in ana's close friends")
    insider = Tier.objects.get(community=wine, name="Insider")
    for handle, audience, body, comments, reactions in WINE_POSTS:
        post, new = _post(
            wine,
            handle,
            audience,
            body,
            min_tier=insider if audience == Audience.TIER else None,
            circle=friends if audience == Audience.CIRCLE else None,
        )
        if audience == Audience.TIER and not post.staged:
            do_save_ladder(post, _preview_ladder(wine))
            created.append("a release ladder on the Insider preview")
        if not new:
            continue
        created.append(f"{audience} post by {handle} in Natural Wine Club")
        for commenter, text in comments:
            do_add_comment(_user(commenter), post, text)
        for reactor, emoji in reactions:
            do_toggle_reaction(_user(reactor), post, emoji)
    announcement, new = _post(
        wine, "ana", Audience.COMMUNITY, "House rules: be kind, no selling, tag spoilers."
    )
    if new:
        announcement.pinned_at = announcement.created
        announcement.save(update_fields=["pinned_at"])
        created.append("pinned announcement in Natural Wine Club")
    if not wine.allow_public_teasers:
        wine.allow_public_teasers = True
        wine.save(update_fields=["allow_public_teasers"])
    if not Post.objects.filter(community=wine, body=WINE_TEASER).exists():
        do_create_post(
            _user("ana"),
            wine,
            body=WINE_TEASER,
            audience=Audience.PUBLIC,
            images=[_teaser_photo()],
        )
        created.append("public teaser with a photo by ana in Natural Wine Club")
    created.extend(events_demo.seed(wine))
    if not synth.allow_public_teasers:
        synth.allow_public_teasers = True
        synth.save(update_fields=["allow_public_teasers"])
    for audience, body in [
        (Audience.PUBLIC, "Teaser: we are restoring a Juno-60 live on stream this Sunday."),
        (Audience.COMMUNITY, "Anyone have a schematic for the Polysix KLM-367 board?"),
    ]:
        _, new = _post(synth, "dev", audience, body)
        if new:
            created.append(f"{audience} post by dev in Vintage Synth Makers")
    created += seed_history(wine)
    created.extend(digest_demo.seed())
    return created
