"""A digest is one email with a plain-text and an HTML part, absolute links, and the RFC 8058
headers mail providers turn into their own "Unsubscribe" button. It goes through the outbox:
the job only queues it, the outbox's task delivers it to the SMTP server."""

import re

import pytest

from feeds.digests.services import due_digests
from feeds.digests.tokens import read_unsubscribe_token
from sosoon_site.mail.models import MailStatus
from tests.feeds.digests.conftest import LAST_WEEK, NOW, SITE, digest_to, queued_for, send

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_digest_has_both_parts_and_the_one_click_unsubscribe_headers(
    smtp, written_at, community, member
):
    post = written_at(LAST_WEEK, body="The March tasting notes are up")

    send(due_digests(NOW))

    received = digest_to(smtp, member.email)
    message = received.message
    assert message.get_content_type() == "multipart/alternative"
    types = [part.get_content_type() for part in message.walk()]
    assert "text/plain" in types and "text/html" in types
    assert message["Subject"] == "What you missed last week in Natural Wine Club"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    (url,) = re.findall(r"<([^>]+)>", message["List-Unsubscribe"])
    assert url.startswith(f"{SITE}/digests/unsubscribe/")
    token = url.removeprefix(f"{SITE}/digests/unsubscribe/").rstrip("/")
    assert read_unsubscribe_token(token) == (member.pk, community.pk)
    text = received.text()
    assert f"{SITE}/p/{post.pk}/" in text
    assert url in text
    (html,) = [part for part in message.walk() if part.get_content_type() == "text/html"]
    assert f'href="{url}"' in html.get_payload(decode=True).decode()


def test_the_digest_is_delivered_by_the_outbox(smtp, written_at, member):
    written_at(LAST_WEEK, body="The March tasting notes are up")

    send(due_digests(NOW))

    (mail,) = queued_for(member.email)
    assert mail.status == MailStatus.SENT
    assert mail.message["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_digest_waits_in_the_outbox_while_the_mail_server_is_down(
    settings, smtp, written_at, member
):
    settings.EMAIL_PORT = 1  # nothing listens there
    written_at(LAST_WEEK, body="The March tasting notes are up")

    send(due_digests(NOW))

    (mail,) = queued_for(member.email)
    assert mail.status == MailStatus.PENDING
    assert "refused the connection" in mail.last_error
    # The period is claimed: the retry is the outbox's, no second digest is built.
    assert member.pk not in {due.user_id for due in due_digests(NOW)}
