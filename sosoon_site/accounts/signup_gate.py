"""Whether a request may sign up. Sosoon is invite-only: the adapter asks the function named by
settings.SOSOON_SIGNUP_GATE, which the communities app points at invitation redemption."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string


def closed(request: HttpRequest) -> bool:
    """Nobody signs up; the default until something hands out invitations."""
    return False


def may_sign_up(request: HttpRequest) -> bool:
    """Ask the configured gate whether this request may create an account."""
    return bool(import_string(settings.SOSOON_SIGNUP_GATE)(request))
