"""Re-encrypt every stored provider token under the first key of SOSOON_FIELD_KEYS.

Key rotation: put the new key first in SOSOON_FIELD_KEYS (keep the old one after it), restart,
run this command, then remove the old key. Tokens are never printed.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from feeds.crossposting.encryption import reencrypt
from feeds.crossposting.models import ExternalAccount


class Command(BaseCommand):
    help = "Re-encrypt connected-account tokens under the first SOSOON_FIELD_KEYS key."

    def handle(self, *args, **options):
        count = 0
        for account_id in ExternalAccount.objects.values_list("pk", flat=True):
            with transaction.atomic():
                # The row lock keeps a concurrent token refresh from being overwritten.
                account = ExternalAccount.objects.select_for_update().get(pk=account_id)
                account.access_token_ciphertext = reencrypt(account.access_token_ciphertext)
                account.refresh_token_ciphertext = reencrypt(account.refresh_token_ciphertext)
                account.save(update_fields=["access_token_ciphertext", "refresh_token_ciphertext"])
            count += 1
        self.stdout.write(f"Re-encrypted the tokens of {count} account(s) under the first key.")
