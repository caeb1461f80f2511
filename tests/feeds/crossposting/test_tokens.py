"""Tokens at rest: MultiFernet over SOSOON_FIELD_KEYS, and rotating the key."""

from io import StringIO

from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command

from feeds.crossposting.models import ExternalAccount


def test_tokens_survive_a_key_rotation(community, settings):
    old_key = settings.SOSOON_FIELD_KEYS[0]
    account = ExternalAccount(community=community, platform="x", external_id="1", handle="a")
    account.access_token, account.refresh_token = "access-secret", "refresh-secret"
    account.save()

    new_key = Fernet.generate_key().decode()
    settings.SOSOON_FIELD_KEYS = [new_key, old_key]
    call_command("reencrypt_tokens", stdout=StringIO())

    settings.SOSOON_FIELD_KEYS = [new_key]  # the old key is retired
    account = ExternalAccount.objects.get(pk=account.pk)
    assert (account.access_token, account.refresh_token) == ("access-secret", "refresh-secret")

    settings.SOSOON_FIELD_KEYS = [old_key]
    try:
        account.access_token  # noqa: B018
    except InvalidToken:
        pass
    else:
        raise AssertionError("the old key alone must not decrypt re-encrypted tokens")


def test_str_and_repr_never_show_tokens(community):
    account = ExternalAccount(community=community, platform="x", handle="wineclub")
    account.access_token = "access-secret"
    assert "access-secret" not in f"{account} {account!r}"
