"""What a person manages, across communities: the one question every calendar page asks.

A person manages the accounts and cross-posts of the communities whose role table lets them
MANAGE_CROSSPOSTS (owners and admins), read at query time like every other permission. A
cross-post or account outside those is missing to them (Http404), as elsewhere in Sosoon.
"""

from django.http import Http404

from communities.models import Community
from communities.permissions import Action, communities_where
from feeds.crossposting.models import CrossPost, ExternalAccount
from sosoon_site.accounts.models import User
from sosoon_site.compiled_queries import compiled_rows, loaded


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


# What the calendar's pages read of each account and its community.
_ACCOUNT_FIELDS = ("id", "community_id", "platform", "handle")
_COMMUNITY_FIELDS = ("id", "name", "slug")


def managed_account_list(user) -> list[ExternalAccount]:
    """`managed_accounts(user)` for a page that shows them all: the query compiled once per
    process (sosoon_site/compiled_queries.py), each account with the fields the calendar
    shows and its community's name and slug (any other field loads when first read)."""
    if not user.is_authenticated:
        return []
    rows = compiled_rows(
        "calendar_managed_accounts",
        lambda user: managed_accounts(User(pk=user)).values_list(
            *_ACCOUNT_FIELDS, *(f"community__{name}" for name in _COMMUNITY_FIELDS)
        ),
        user=user.pk,
    )
    communities: dict[int, Community] = {}
    accounts = []
    size = len(_ACCOUNT_FIELDS)
    for row in rows:
        account = loaded(ExternalAccount, dict(zip(_ACCOUNT_FIELDS, row[:size], strict=True)))
        community_id = row[size]
        if community_id not in communities:
            communities[community_id] = loaded(
                Community, dict(zip(_COMMUNITY_FIELDS, row[size:], strict=True))
            )
        account.community = communities[community_id]
        accounts.append(account)
    return accounts


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
