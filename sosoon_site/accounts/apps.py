from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sosoon_site.accounts"
    label = "accounts"
    verbose_name = "Accounts"
