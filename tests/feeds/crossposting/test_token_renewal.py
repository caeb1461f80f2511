"""Idle accounts are renewed before their refresh token runs out, from the provider's lifetimes."""

from datetime import timedelta

from django.utils import timezone

from communities.notifications.services import unread_count
from feeds.crossposting.models import AccountStatus, ExternalAccount
from feeds.crossposting.services.accounts import refresh_expiring_accounts
from feeds.crossposting.tasks import refresh_expiring_accounts as renewal_job


def expiring_in(account, delta):
    ExternalAccount.objects.filter(pk=account.pk).update(refresh_expires_at=timezone.now() + delta)


def test_an_account_near_its_refresh_expiry_is_renewed(tiktok_account, fake_tiktok):
    expiring_in(tiktok_account, timedelta(days=2))
    old_refresh = tiktok_account.refresh_token

    assert refresh_expiring_accounts() == 1

    account = ExternalAccount.objects.get(pk=tiktok_account.pk)
    assert account.refresh_token != old_refresh
    assert old_refresh in fake_tiktok.used_refresh_tokens
    # The fake answers refresh_expires_in = 365 days: the new expiry comes from it.
    assert account.refresh_expires_at - timezone.now() > timedelta(days=364)
    assert account.status == AccountStatus.CONNECTED


def test_accounts_far_from_expiry_are_left_alone(tiktok_account, fake_tiktok):
    expiring_in(tiktok_account, timedelta(days=60))

    assert renewal_job() == "renewed 0 account(s)"
    assert fake_tiktok.used_refresh_tokens == set()


def test_a_refused_renewal_asks_the_managers_to_reconnect(tiktok_account, fake_tiktok, owner):
    expiring_in(tiktok_account, timedelta(days=1))
    fake_tiktok.refresh_tokens.clear()  # the platform revoked it

    assert refresh_expiring_accounts() == 0

    account = ExternalAccount.objects.get(pk=tiktok_account.pk)
    assert account.status == AccountStatus.REAUTH_REQUIRED
    assert unread_count(owner) == 1
