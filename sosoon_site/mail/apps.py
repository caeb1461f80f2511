from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "sosoon_site.mail"
    label = "mail"
    verbose_name = "Outgoing mail"
