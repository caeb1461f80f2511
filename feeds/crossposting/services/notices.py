"""Telling a community's cross-post managers that a cross-post or an account needs them.

In the app (owners and admins, through communities' notifications, so access is re-checked
when shown) and by email to the owner, who may not open Sosoon for days.
"""

from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _

from communities.notifications.models import NotificationKind
from communities.notifications.services import notify
from communities.permissions import Action, people_who_may
from feeds.crossposting.models import CrossPost, ExternalAccount
from sosoon_site.languages import in_language_of, in_reader_language


def _email_owner(community, subject: str, body: str) -> None:
    """Mail the owner; callers write `subject` and `body` in the owner's language."""
    owner = community.owner
    if owner.email:
        send_mail(subject, body, None, [owner.email], fail_silently=True)


def _notify_managers(community, *, kind: str, target) -> None:
    managers = people_who_may(Action.MANAGE_CROSSPOSTS, community.pk)
    notify(managers.values_list("pk", flat=True), kind=kind, actor=None, target=target)


def notify_crosspost_problem(crosspost: CrossPost) -> None:
    """A cross-post failed, needs review, or was cancelled by an audience change."""
    community = crosspost.post.community
    _notify_managers(community, kind=NotificationKind.CROSSPOST_PROBLEM, target=crosspost)
    page = reverse("crossposting:list", kwargs={"slug": community.slug})
    with in_language_of(community.owner):
        _email_owner(
            community,
            _("Cross-post to %(account)s: %(status)s")
            % {"account": crosspost.account, "status": crosspost.get_status_display().lower()},
            _("%(reason)s\n\nSee the cross-posts of %(community)s: %(page)s")
            % {
                "reason": in_reader_language(crosspost.reason, crosspost.reason_words),
                "community": community.name,
                "page": page,
            },
        )


def notify_account_problem(account: ExternalAccount) -> None:
    """An account's tokens stopped working: it must be reconnected."""
    community = account.community
    _notify_managers(community, kind=NotificationKind.ACCOUNT_PROBLEM, target=account)
    page = reverse("crossposting:accounts", kwargs={"slug": community.slug})
    with in_language_of(community.owner):
        _email_owner(
            community,
            _("Reconnect %(account)s for %(community)s")
            % {"account": account, "community": community.name},
            _("%(reason)s\n\nReconnect it here: %(page)s")
            % {
                "reason": in_reader_language(account.status_reason, account.status_reason_words),
                "page": page,
            },
        )
