"""allauth customisation: sign-up is open only when the signup gate says so, failed sign-ins
are counted per address across every host name the site answers to, and each mail is written
in its recipient's language."""

from allauth.account.adapter import DefaultAccountAdapter

from sosoon_site.accounts.models import User
from sosoon_site.accounts.signup_gate import may_sign_up
from sosoon_site.languages import in_language_of


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return may_sign_up(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's mail (address confirmation, password reset, security notices) in the
        language of the person it goes to; one without an account (an unknown address asking
        for a reset) or without a choice gets the language of the page that sent it."""
        recipient = context.get("user") or User.objects.filter(email__iexact=email).first()
        with in_language_of(recipient):
            super().send_mail(template_prefix, email, context)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """The key of ACCOUNT_RATE_LIMITS["login_failed"]'s per-address limit.

        allauth prefixes the address with the current site's domain, and without
        django.contrib.sites that is the request's Host header: each name in ALLOWED_HOSTS
        (or the IP beside the domain) would get its own five attempts. The address alone
        makes the limit one count per person. allauth reads this key both when counting a
        failure and when clearing the count after a password reset.
        """
        login = credentials.get("email", credentials.get("username", ""))
        return f"login:{login.lower()}"
