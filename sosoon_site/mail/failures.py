"""Why a delivery attempt failed, in words an operator can act on."""

import smtplib
import socket
import ssl


class Failure:
    """The reason for a failed attempt, and whether trying again could help."""

    def __init__(self, reason: str, *, permanent: bool = False):
        self.reason = reason
        self.permanent = permanent


def failure_of(error: Exception, *, server: str) -> Failure:
    """Describe `error`, raised while talking to `server` ("host:port" or a backend's name)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(
            f"{address}: {code} {_text(answer)}"
            for address, (code, answer) in error.recipients.items()
        )
        permanent = all(code >= 500 for code, _ in error.recipients.values())
        return Failure(
            f"The mail server {server} refused the recipient ({refused}).", permanent=permanent
        )
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return Failure(
            f"The mail server {server} refused the login ({error.smtp_code} "
            f"{_text(error.smtp_error)}): check EMAIL_HOST_USER and EMAIL_HOST_PASSWORD."
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return Failure(
            f"The mail server {server} answered {error.smtp_code} {_text(error.smtp_error)}."
        )
    if isinstance(error, ConnectionRefusedError):
        return Failure(
            f"The mail server {server} refused the connection: is it running, and are "
            "EMAIL_HOST and EMAIL_PORT right?"
        )
    if isinstance(error, socket.gaierror):
        return Failure(
            f"The mail server's name in {server} could not be resolved: check EMAIL_HOST."
        )
    if isinstance(error, TimeoutError):
        return Failure(f"The mail server {server} did not answer in time.")
    if isinstance(error, ssl.SSLError):
        return Failure(
            f"TLS with the mail server {server} failed ({error}): check EMAIL_USE_TLS and "
            "EMAIL_USE_SSL against the port."
        )
    if isinstance(error, smtplib.SMTPServerDisconnected | ConnectionError):
        return Failure(f"The mail server {server} closed the connection ({error or 'no reason'}).")
    return Failure(f"Sending through {server} failed: {type(error).__name__}: {error}")


def _text(answer) -> str:
    return answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)
