"""allauth customisation: sign-up is open only when the signup gate says so, and failed
sign-ins are counted per address across every host name the site answers to."""

from allauth.account.adapter import DefaultAccountAdapter

from sosoon_site.accounts.signup_gate import may_sign_up


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return may_sign_up(request)

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
