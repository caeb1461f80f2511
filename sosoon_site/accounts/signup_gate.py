"""Whether a request may sign up. Sosoon is invite-only: the adapter asks the function named by
settings.SOSOON_SIGNUP_GATE, which the communities app points at invitation redemption.

The gate only previews; what it admits is claimed while the account is made. A receiver of
allauth's `user_signed_up` that cannot claim it raises `SignupRefused`, and the sign-up view
(which makes the account in one transaction) rolls the account back and shows the message.
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string


def closed(request: HttpRequest) -> bool:
    """Nobody signs up; the default until something hands out invitations."""
    return False


def may_sign_up(request: HttpRequest) -> bool:
    """Ask the configured gate whether this request may create an account."""
    return bool(import_string(settings.SOSOON_SIGNUP_GATE)(request))


def offered_address(request: HttpRequest) -> str:
    """The address the sign-up form starts with, from settings.SOSOON_SIGNUP_ADDRESS: the one
    an invitation was emailed to, which is the only address it admits."""
    return import_string(settings.SOSOON_SIGNUP_ADDRESS)(request) or ""


class SignupRefused(Exception):
    """The sign-up cannot go ahead; `message` tells the visitor why. Nothing is saved."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
