"""What a person manages, across communities: the one question every calendar page asks.

A person manages the accounts and cross-posts of the communities whose role table lets them
MANAGE_CROSSPOSTS (owners and admins), read at query time like every other permission. A
cross-post or account outside those is missing to them (Http404), as elsewhere in Sosoon.
"""

from django.http import Http404

from communities.permissions import Action, communities_where
from feeds.crossposting.models import CrossPost, ExternalAccount


def managed_communities(user):
    """Communities in which `user` may manage cross-posts now, by name."""
    if not user.is_authenticated:
        return communities_where(user, Action.MANAGE_CROSSPOSTS).none()
    return communities_where(user, Action.MANAGE_CROSSPOSTS).distinct().order_by("name")


def managed_accounts(user):
    """Connected accounts of every community `user` manages, with their community."""
    return (
        ExternalAccount.objects.connected()
        .filter(community__in=managed_communities(user).values("pk"))
        .select_related("community")
        .order_by("community__name", "platform", "handle", "pk")
    )


def access_account(user, account_id: int) -> ExternalAccount:
    """A connected account `user` manages; Http404 otherwise (missing and forbidden alike)."""
    account = managed_accounts(user).filter(pk=account_id).first()
    if account is None:
        raise Http404("No such account.")
    return account


def access_crosspost(user, crosspost_id: int) -> CrossPost:
    """A cross-post to an account `user` manages; Http404 otherwise."""
    crosspost = (
        CrossPost.objects.filter(
            pk=crosspost_id, account__community__in=managed_communities(user).values("pk")
        )
        .select_related("account__community", "post")
        .first()
    )
    if crosspost is None:
        raise Http404("No such cross-post.")
    return crosspost
