"""Telling a community's owner that a cross-post or an account needs them.

By email for now: in-app notifications need a notification kind of their own in communities,
which comes with a communities migration (see the closing note of issue 6).
"""

from django.core.mail import send_mail
from django.urls import reverse

from feeds.crossposting.models import CrossPost, ExternalAccount


def _send(community, subject: str, body: str) -> None:
    owner = community.owner
    if owner.email:
        send_mail(subject, body, None, [owner.email], fail_silently=True)


def notify_crosspost_problem(crosspost: CrossPost) -> None:
    """A cross-post failed, needs review, or was cancelled by an audience change."""
    community = crosspost.post.community
    page = reverse("crossposting:list", kwargs={"slug": community.slug})
    _send(
        community,
        f"Cross-post to {crosspost.account}: {crosspost.get_status_display().lower()}",
        f"{crosspost.reason}\n\nSee the cross-posts of {community.name}: {page}",
    )


def notify_account_problem(account: ExternalAccount) -> None:
    """An account's tokens stopped working: it must be reconnected."""
    community = account.community
    page = reverse("crossposting:accounts", kwargs={"slug": community.slug})
    _send(
        community,
        f"Reconnect {account} for {community.name}",
        f"{account.status_reason}\n\nReconnect it here: {page}",
    )
