"""Provider tokens encrypted at rest with MultiFernet over SOSOON_FIELD_KEYS.

The first key encrypts; every key decrypts, so an operator adds a new key in front, runs
`manage.py reencrypt_tokens`, and can then drop the old one. A database dump holds only
ciphertext; the plaintext exists in memory while a request to the provider is being made.
"""

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db import models


def field_cipher() -> MultiFernet:
    """The cipher for the keys configured now (read each time: tests and rotations change it)."""
    return MultiFernet([Fernet(key) for key in settings.SOSOON_FIELD_KEYS])


def encrypt(plaintext: str) -> str:
    """Ciphertext of `plaintext` under the first key; "" stays "" (no token stored)."""
    if not plaintext:
        return ""
    return field_cipher().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    """Plaintext of `ciphertext` under any configured key; InvalidToken if none fits."""
    if not ciphertext:
        return ""
    return field_cipher().decrypt(ciphertext.encode()).decode()


def reencrypt(ciphertext: str) -> str:
    """The same secret, encrypted under the first key (MultiFernet.rotate)."""
    if not ciphertext:
        return ""
    return field_cipher().rotate(ciphertext.encode()).decode()


class EncryptedTextField(models.TextField):
    """Stores ciphertext; the model works with plaintext through `Secret` properties.

    The column holds Fernet tokens only. The field never decrypts on load, so a queryset,
    the admin or a log line that prints a row shows ciphertext at most.
    """

    description = "Text encrypted with SOSOON_FIELD_KEYS"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)


class Secret:
    """A plaintext view of an EncryptedTextField: `account.access_token = "..."` encrypts."""

    def __init__(self, column: str):
        self.column = column

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return decrypt(getattr(instance, self.column))

    def __set__(self, instance, value: str) -> None:
        setattr(instance, self.column, encrypt(value))
