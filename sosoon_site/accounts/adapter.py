"""allauth customisation: sign-up is open only when the signup gate says so."""

from allauth.account.adapter import DefaultAccountAdapter

from sosoon_site.accounts.signup_gate import may_sign_up


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return may_sign_up(request)
