"""An EmailMessage as JSON and back, so a message survives in the outbox until it is sent.

The Message-ID and Date are fixed when the message is saved: a retry is the same message (a
receiving server that has seen its Message-ID can drop a copy), dated when it was written.
"""

import base64
from email.utils import formatdate

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.core.mail.utils import DNS_NAME


def record_of(message: EmailMessage) -> dict:
    """The JSON fields of `message`; BadHeaderError (as sending would) for an unsafe header.

    TypeError for an attachment given as a ready-made MIME part, which JSON cannot hold.
    """
    headers = dict(message.extra_headers)
    named = {name.lower() for name in headers}
    if "message-id" not in named:
        headers["Message-ID"] = make_msgid(domain=DNS_NAME)
    if "date" not in named:
        headers["Date"] = formatdate(localtime=settings.EMAIL_USE_LOCALTIME)
    message.extra_headers = headers
    message.message()  # renders every header, raising BadHeaderError in the caller's request
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email or settings.DEFAULT_FROM_EMAIL,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": headers,
        "content_subtype": message.content_subtype,
        "alternatives": [
            [content, mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": [_attachment_record(item) for item in message.attachments],
    }


def _attachment_record(attachment) -> dict:
    if not isinstance(attachment, tuple):
        raise TypeError("The outbox stores attachments given as (filename, content, mimetype).")
    filename, content, mimetype = attachment
    if isinstance(content, bytes):
        return {
            "filename": filename,
            "base64": base64.b64encode(content).decode(),
            "type": mimetype,
        }
    return {"filename": filename, "text": content, "type": mimetype}


def message_from(record: dict, *, connection=None) -> EmailMultiAlternatives:
    """The EmailMessage that `record_of` saved, ready for a delivery backend."""
    message = EmailMultiAlternatives(
        subject=record["subject"],
        body=record["body"],
        from_email=record["from_email"],
        to=record["to"],
        cc=record["cc"],
        bcc=record["bcc"],
        reply_to=record["reply_to"],
        headers=record["headers"],
        alternatives=[tuple(pair) for pair in record["alternatives"]],
        connection=connection,
    )
    message.content_subtype = record["content_subtype"]
    for item in record["attachments"]:
        content = base64.b64decode(item["base64"]) if "base64" in item else item["text"]
        message.attach(item["filename"], content, item["type"])
    return message
