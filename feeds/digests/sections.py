"""What a digest is made of: sections, each built for one person at send time.

A section answers "what did this person miss in this community during this period" through
the rules that decide who sees what: top posts through the feed code (feeds/feed.py, which
starts from the audience policy), unread mentions through `Notification.objects.visible_to`
(each kind of content's own policy). Nothing is stored between scheduling and sending, so
lost access in between leaves the item out.

Other capabilities add a section with `register_section()` at start-up (their app's
`ready()`). Events (issue 16, item 2) are meant to register "Upcoming events" here, built
from the events the policy lets the person see that start after `now`; until events exist,
no such section is registered and digests carry posts and mentions only.
"""

import html as html_entities
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from communities.content import content_kind
from communities.models import Community
from communities.notifications.models import Notification
from communities.notifications.services import load_targets
from communities.notifying import NotificationKind
from feeds.digests.periods import Period
from feeds.feed import Source, community_posts, top_page
from sosoon_site.accounts.models import User

TOP_POSTS = 5
MENTIONS = 10
EXCERPT_WORDS = 40


@dataclass(frozen=True)
class Item:
    """One line of a section: who or what (`title`), a short text, a note, a site path."""

    title: str
    text: str
    path: str
    note: str = ""


@dataclass(frozen=True)
class Section:
    """`build(person, community, period, now)` returns the section's items for that person."""

    key: str
    heading: str
    build: Callable[[User, Community, Period, datetime], list[Item]]


def _excerpt(body_html: str) -> str:
    """The post's rendered text as plain words (entities decoded: the mail's templates escape
    what they need), cut to EXCERPT_WORDS."""
    text = html_entities.unescape(strip_tags(body_html))
    return Truncator(" ".join(text.split())).words(EXCERPT_WORDS)


def top_posts(person: User, community: Community, period: Period, now: datetime) -> list[Item]:
    """The community's Top posts of the period that `person` may see now, not their own."""
    source = Source(
        lambda viewer: (
            community_posts(viewer, community)
            .filter(created__gte=period.start, created__lt=period.end)
            .exclude(author=viewer)
        )
    )
    items = []
    for post in top_page(source, person).posts[:TOP_POSTS]:
        comments, reactions = post.visible_comments, post.reaction_total
        note = ", ".join(
            f"{count} {word}{'' if count == 1 else 's'}"
            for count, word in ((comments, "comment"), (reactions, "reaction"))
            if count
        )
        items.append(
            Item(
                title=post.author.name,
                text=_excerpt(post.body_html),
                path=reverse("feeds:post", args=[post.pk]),
                note=note,
            )
        )
    return items


MENTION_KINDS = [NotificationKind.MENTION, NotificationKind.CHAT_MENTION]


def unread_mentions(
    person: User, community: Community, period: Period, now: datetime
) -> list[Item]:
    """Mentions of `person` in the community during the period, still unread, whose content
    they may still see (from nobody blocked either way)."""
    rows = list(
        Notification.objects.visible_to(person)
        .unread()
        .filter(
            kind__in=MENTION_KINDS,
            community=community,
            created__gte=period.start,
            created__lt=period.end,
        )
        .select_related("actor")[:MENTIONS]
    )
    targets = load_targets(rows)
    items = []
    for row in rows:
        target = targets.get((row.target_label, row.target_id))
        summary = content_kind(row.target_label).summary(target) if target is not None else ""
        items.append(
            Item(
                title=row.actor.name if row.actor else community.name,
                text=Truncator(" ".join(summary.split())).words(EXCERPT_WORDS),
                path=reverse("communities:open_notification", args=[row.pk]),
                note=row.get_kind_display(),
            )
        )
    return items


_sections: list[Section] = [
    Section("posts", _("Top posts"), top_posts),
    Section("mentions", _("Mentions you have not read"), unread_mentions),
]


def register_section(section: Section) -> None:
    """Add `section` to every digest from now on (once per key)."""
    if all(known.key != section.key for known in _sections):
        _sections.append(section)


def sections() -> list[Section]:
    return list(_sections)
