"""The outbox through the real processes: daphne takes a sign-up while the mail server is
down, and `manage.py qcluster` delivers the verification mail exactly once when it is back.
Runs on SQLite, and on PostgreSQL + Redis in CI's second pass (the scratch database and broker
follow DATABASE_URL and REDIS_URL)."""

import json
import time

import httpx

from tests.fakes.smtp import FakeSMTP
from tests.launcher import free_port
from tests.site.live_site import live_site, one_use_invitation, open_signup_form, submit_signup

OUTBOX = """
import json
from sosoon_site.mail.models import OutgoingMail
print(json.dumps(list(OutgoingMail.objects.values("status", "attempts", "last_error"))))
"""
STATE = """
from allauth.account.models import EmailAddress
from communities.models import Invitation, Membership
print(Membership.objects.filter(user__email="late@example.test").count(),
      Invitation.objects.get().use_count,
      EmailAddress.objects.filter(email="late@example.test", verified=True).count())
"""


def wait_for(check, *, timeout: float):
    """`check()`'s first true result within `timeout` s. Each check starts a Python process,
    seconds on a busy CI machine, so the timeouts below are generous and only bound a hang."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.5)
    return check()


def test_sign_up_with_smtp_down_then_qcluster_delivers_the_mail_once(tmp_path):
    port = free_port()
    mail_settings = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "SOSOON_MAIL_RETRY_SECONDS": "1",
        "ACCOUNT_EMAIL_VERIFICATION": "mandatory",
    }
    with (
        live_site(tmp_path, suffix="mail", **mail_settings) as site,
        site.running("qcluster") as cluster,
        httpx.Client(base_url=site.base_url, timeout=20) as visitor,
    ):
        token = one_use_invitation(site)
        csrf = open_signup_form(visitor, token)

        response = submit_signup(visitor, csrf, email="late@example.test", handle="late")

        assert response.status_code == 302
        assert response.headers["location"] == "/accounts/confirm-email/"
        assert site.python(STATE).split() == ["1", "1", "0"]

        def first_attempt_failed():
            rows = json.loads(site.python(OUTBOX))
            return rows if rows and rows[0]["attempts"] else None

        (row,) = wait_for(first_attempt_failed, timeout=90)
        assert row["status"] == "pending", cluster.output()
        assert f"The mail server 127.0.0.1:{port} refused the connection" in row["last_error"]

        with FakeSMTP(port) as smtp:
            # The sweep runs at every wake of q2's scheduler (every 30 s).
            assert wait_for(lambda: smtp.received, timeout=90), cluster.output()
            sent = wait_for(
                lambda: json.loads(site.python(OUTBOX))[0]["status"] == "sent", timeout=60
            )
            assert sent
            time.sleep(2)
        (received,) = smtp.received
        assert received.recipients == ("late@example.test",)
        link = next(word for word in received.text().split() if "/accounts/confirm-email/" in word)
        confirm_path = "/accounts/" + link.split("/accounts/", 1)[1]
        visitor.post(confirm_path, data={"csrfmiddlewaretoken": visitor.cookies["csrftoken"]})
        assert site.python(STATE).split() == ["1", "1", "1"]
