"""The outbox: mail is saved with the work that caused it and sent by background jobs, so a
dead mail server costs nobody a sign-up, a password reset or an invitation.

The mail server is real: tests.fakes.smtp speaking SMTP on 127.0.0.1, and "down" is a closed
port. The queue runs inline (tests.settings), so a message's first attempt happens right after
its request commits, as a worker would make it.
"""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.db import transaction
from django.urls import reverse

from communities.models import Invitation, InvitationBatch, Membership
from communities.services.invitations import do_create_invitation
from sosoon_site.accounts.models import User
from sosoon_site.mail.models import MailStatus, OutgoingMail
from sosoon_site.mail.tasks import sweep_outbox
from tests.fakes.smtp import FakeSMTP
from tests.launcher import free_port

pytestmark = pytest.mark.django_db(transaction=True)
LINK = re.compile(r"https?://testserver(/\S+)")


@pytest.fixture
def smtp_port(settings) -> int:
    """Mail goes through the outbox to SMTP on 127.0.0.1:<port>, where nothing listens yet."""
    port = free_port()
    settings.EMAIL_BACKEND = "sosoon_site.mail.backend.OutboxBackend"
    settings.SOSOON_MAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.SOSOON_MAIL_RETRY_SECONDS = 1
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    return port


def sweep_when_due() -> str:
    """Run the periodic sweep once the first retry delay (1 s here) has passed."""
    time.sleep(1.1)
    return sweep_outbox()


def waiting_mail(address: str) -> OutgoingMail:
    (mail,) = [mail for mail in OutgoingMail.objects.all() if address in mail.recipients]
    return mail


def signup_data(email: str, handle: str) -> dict:
    password = "a long pass phrase 42"
    return {"email": email, "password1": password, "password2": password, "handle": handle}


def test_sign_up_through_a_one_use_invitation_with_smtp_down_then_verify(
    client, community, owner, smtp_port
):
    invitation = do_create_invitation(community, owner, tier=community.tiers.first(), max_uses=1)
    client.get(invitation.get_absolute_url())

    response = client.post(
        reverse("account_signup"), signup_data("newcomer@example.test", "newcomer"), follow=True
    )

    assert response.status_code == 200
    assert "Verify Your Email Address" in response.content.decode()
    newcomer = User.objects.get(email="newcomer@example.test")
    assert Membership.objects.get(user=newcomer, community=community).is_active
    invitation.refresh_from_db()
    assert invitation.use_count == 1
    mail = waiting_mail("newcomer@example.test")
    assert (mail.status, mail.attempts) == (MailStatus.PENDING, 1)
    assert f"The mail server 127.0.0.1:{smtp_port} refused the connection" in mail.last_error

    with FakeSMTP(smtp_port) as smtp:
        sweep_when_due()
        sweep_when_due()

    (received,) = smtp.received
    assert received.recipients == ("newcomer@example.test",)
    waiting = waiting_mail("newcomer@example.test")
    assert (waiting.status, waiting.last_error) == (MailStatus.SENT, "")
    confirm_path = LINK.search(received.text()).group(1)
    client.post(confirm_path)
    assert EmailAddress.objects.get(email="newcomer@example.test").verified


def test_password_reset_with_smtp_down_says_sent_and_the_link_works_later(client, user, smtp_port):
    response = client.post(reverse("account_reset_password"), {"email": user.email}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("account_reset_password_done")
    assert "We have sent you an email" in response.content.decode()
    assert "refused the connection" in waiting_mail(user.email).last_error

    with FakeSMTP(smtp_port) as smtp:
        sweep_when_due()
    (received,) = smtp.to(user.email)
    page = client.get(LINK.search(received.text()).group(1), follow=True).content.decode()
    assert "Change Password" in page and "Bad Token" not in page


def test_bulk_email_invitations_with_smtp_down_are_sent_once_it_is_back(
    client, owner, community, smtp_port
):
    client.force_login(owner)
    addresses = ["a@example.test", "b@example.test", "c@example.test"]
    url = reverse("communities:email_invitations", kwargs={"slug": community.slug})
    terms = {"role": "member", "tier": community.tiers.first().pk}

    response = client.post(url, {**terms, "addresses": "\n".join(addresses)}, follow=True)

    assert response.status_code == 200
    batch = InvitationBatch.objects.get()
    assert (batch.status, batch.sent) == ("done", 3)
    assert Invitation.objects.filter(batch=batch).count() == 3
    assert OutgoingMail.objects.filter(status=MailStatus.PENDING).count() == 3

    with FakeSMTP(smtp_port) as smtp:
        sweep_when_due()
        sweep_when_due()

    assert sorted(r.recipients[0] for r in smtp.received) == addresses
    assert not OutgoingMail.objects.exclude(status=MailStatus.SENT).exists()
    for address in addresses:
        token = Invitation.objects.get(email=address).token
        assert f"/invite/{token}/" in smtp.to(address)[0].text()


def test_mail_of_a_rolled_back_transaction_is_never_sent(smtp_port):
    from django.core.mail import send_mail

    with FakeSMTP(smtp_port) as smtp:
        with pytest.raises(RuntimeError), transaction.atomic():
            send_mail("Hello", "Body", None, ["gone@example.test"])
            raise RuntimeError("the request failed")
        sweep_outbox()
    assert not OutgoingMail.objects.exists() and not smtp.received


def test_a_mail_that_keeps_failing_is_marked_failed_with_the_reason(settings, smtp_port):
    from django.core.mail import send_mail

    settings.SOSOON_MAIL_MAX_ATTEMPTS = 2
    send_mail("Hello", "Body", None, ["someone@example.test"])
    sweep_when_due()
    sweep_when_due()

    mail = waiting_mail("someone@example.test")
    assert (mail.status, mail.attempts, mail.next_attempt_at) == (MailStatus.FAILED, 2, None)
    assert "refused the connection" in mail.last_error
    assert "Gave up after 2 attempts." in mail.last_error


def test_a_mailbox_the_server_refuses_fails_at_once_and_others_still_go(smtp_port):
    from django.core.mail import send_mail

    with FakeSMTP(smtp_port, refuse=("nobody@example.test",)) as smtp:
        send_mail("One", "Body", None, ["nobody@example.test"])
        send_mail("Two", "Body", None, ["somebody@example.test"])
        sweep_outbox()

    refused = waiting_mail("nobody@example.test")
    assert refused.status == MailStatus.FAILED
    assert "refused the recipient (nobody@example.test: 550" in refused.last_error
    assert [r.recipients for r in smtp.received] == [("somebody@example.test",)]


def test_staff_see_waiting_mail_and_its_error_in_the_admin(client, smtp_port, user_factory):
    from django.core.mail import send_mail

    send_mail("Your invitation", "Body", None, ["friend@example.test"])
    staff = User.objects.create_superuser(email="root@example.test", password="x")
    client.force_login(staff)

    page = client.get(reverse("admin:mail_outgoingmail_changelist")).content.decode()

    assert "Your invitation" in page and "friend@example.test" in page
    assert "refused the connection" in page and "Waiting to be sent" in page


def test_people_who_are_not_staff_cannot_see_the_outbox(client, user, smtp_port):
    client.force_login(user)
    response = client.get(reverse("admin:mail_outgoingmail_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]
