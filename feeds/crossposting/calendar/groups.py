"""Account groups: one community's accounts, scheduled to together."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from feeds.crossposting.calendar.access import managed_accounts, managed_communities
from feeds.crossposting.calendar.models import AccountGroup


def managed_groups(user):
    """Groups in every community `user` manages, with their accounts."""
    return (
        AccountGroup.objects.filter(community__in=managed_communities(user).values("pk"))
        .select_related("community")
        .prefetch_related("accounts")
    )


def check_create_group(user, *, name: str, account_ids: list[int]) -> AccountGroup:
    """A new group of accounts `user` manages, all of one community."""
    name = name.strip()
    accounts = list(managed_accounts(user).filter(pk__in=account_ids))
    if not name:
        raise ValidationError({"name": _("Give the group a name.")})
    if not accounts or len(accounts) != len(set(account_ids)):
        raise ValidationError({"accounts": _("Choose accounts you manage.")})
    if len({account.community_id for account in accounts}) > 1:
        raise ValidationError(
            {"accounts": _("A group's accounts belong to one community (a post goes to its own).")}
        )
    try:
        with transaction.atomic():
            group = AccountGroup.objects.create(community=accounts[0].community, name=name)
            group.accounts.set(accounts)
    except IntegrityError:
        raise ValidationError(
            {"name": _("That community already has a group of this name.")}
        ) from None
    return group


def access_group(user, group_id: int) -> AccountGroup:
    """A group in a community `user` manages; Http404 otherwise."""
    group = managed_groups(user).filter(pk=group_id).first()
    if group is None:
        raise Http404("No such group.")
    return group


def check_delete_group(user, group_id: int) -> None:
    """Delete a group (its accounts stay connected)."""
    access_group(user, group_id).delete()
