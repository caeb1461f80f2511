"""Open sockets end with the session that opened them.

A socket learns who it belongs to once, when it connects; signing out later does not reach
it by itself. Signing out closes the sockets of that session with 4401. A password change
(or set, or reset) closes every socket of the person: Django signs the other sessions out
by the change and gives the one that changed it a new session key, so no socket opened
before the change belongs to a session that is still valid; the tab that changed it opens
a new socket with its new cookie on its next page.
"""

from allauth.account.signals import password_changed, password_reset, password_set
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from sosoon_site.realtime import sign_out_session, sign_out_users


@receiver(user_logged_out, dispatch_uid="sockets.user_logged_out")
def close_sockets_of_signed_out_session(sender, request, user, **kwargs) -> None:
    # Sent before the session is flushed, so its key still names the session's sockets.
    if request is not None and hasattr(request, "session"):
        sign_out_session(request.session.session_key, "You signed out.")


@receiver(password_changed, dispatch_uid="sockets.password_changed")
@receiver(password_set, dispatch_uid="sockets.password_set")
@receiver(password_reset, dispatch_uid="sockets.password_reset")
def close_sockets_after_a_password_change(sender, request, user, **kwargs) -> None:
    sign_out_users([user.pk], "Your password changed: sign in again.")
