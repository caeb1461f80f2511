"""A built digest as an email: plain-text and HTML parts, and the unsubscribe headers.

`List-Unsubscribe` names the one-click https link and `List-Unsubscribe-Post` says a POST to
it unsubscribes (RFC 8058), which is what mail providers show as their own "Unsubscribe"
button. Links are absolute, from SOSOON_SITE_URL: a digest is written by a background job,
with no request to take the address from.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from communities.models import Community
from feeds.digests.periods import Period
from feeds.digests.sections import Item, Section
from feeds.digests.tokens import unsubscribe_token
from sosoon_site.accounts.models import User


@dataclass
class Digest:
    person: User
    community: Community
    period: Period
    parts: list[tuple[Section, list[Item]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(items for _section, items in self.parts)


def absolute(path: str) -> str:
    return settings.SOSOON_SITE_URL.rstrip("/") + path


def _one_line(text: str) -> str:
    """`text` with every run of whitespace (line breaks included) made one space: a name
    stored before names had to be one line still makes a valid subject."""
    return " ".join(text.split())


def digest_message(digest: Digest) -> EmailMultiAlternatives:
    person, community = digest.person, digest.community
    unsubscribe = absolute(
        reverse("digests:unsubscribe", args=[unsubscribe_token(person.pk, community.pk)])
    )
    context = {
        "person": person,
        "community": community,
        "period": digest.period,
        "parts": [
            (section, [(item, absolute(item.path)) for item in items])
            for section, items in digest.parts
            if items
        ],
        "community_url": absolute(reverse("feeds:community", args=[community.slug])),
        "preferences_url": absolute(reverse("digests:preferences")),
        "unsubscribe_url": unsubscribe,
    }
    message = EmailMultiAlternatives(
        subject=_one_line(
            _("What you missed %(words)s in %(community)s")
            % {"words": digest.period.words, "community": community.name}
        ),
        body=render_to_string("feeds/digests/email.txt", context),
        to=[person.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(render_to_string("feeds/digests/email.html", context), "text/html")
    return message
