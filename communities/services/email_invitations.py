"""Email invitations in bulk: read a pasted list or CSV, queue a batch, send it in the
background with django-q2, and count what was sent, skipped and invalid."""

import csv
import io
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_q.tasks import async_task

from communities.models import (
    BatchStatus,
    Community,
    InvalidInvitationRow,
    InvitationBatch,
    Membership,
    MembershipStatus,
    Role,
    Tier,
)
from communities.permissions import Action
from communities.services.invitations import (
    INVITE_RATE,
    do_create_invitation,
    validate_invitation_terms,
)
from communities.services.membership_rules import authorise
from sosoon_site.accounts.models import User
from sosoon_site.header_safe import is_header_safe
from sosoon_site.languages import chosen_language, in_language_of

MAX_ROWS = 5000
EMAIL_INVITATION_DAYS = 14
PROGRESS_EVERY = 25


def require_mailable_name(community: Community) -> None:
    """Refuse, before anything is saved, to mail invitations whose subject (the community's
    name, stored before names had to be one line) would be refused by the mailer."""
    if not is_header_safe(community.name):
        raise ValidationError(
            _(
                "The community's name has a line break or a control character, which cannot "
                "go into an email's subject. Change the name in the settings, then send again."
            )
        )


def read_address_rows(*, pasted: str = "", upload=None) -> list[tuple[int, str]]:
    """(row number, address as written) for every non-empty row, first column of a CSV.

    ValidationError for a file that is not UTF-8 text, for nothing to send, or for more than
    MAX_ROWS rows. A header row whose first cell is "email" is skipped.
    """
    text = pasted
    if upload is not None:
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not a UTF-8 CSV file.")) from None
        if "\x00" in text:
            raise ValidationError(_("The file is not a UTF-8 CSV file."))
    rows: list[tuple[int, str]] = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
            value = next((cell.strip() for cell in cells if cell.strip()), "")
            if not value or (number == 1 and value.lower() in {"email", "e-mail", "address"}):
                continue
            rows.append((number, value))
            if len(rows) > MAX_ROWS:
                raise ValidationError(
                    _(
                        "At most %(most)s addresses at a time; this list has more. "
                        "Split it and send the rest in another batch."
                    )
                    % {"most": f"{MAX_ROWS:,}"}
                )
    except csv.Error as error:
        raise ValidationError(
            _("The CSV file could not be read: %(error)s.") % {"error": error}
        ) from None
    if not rows:
        raise ValidationError(_("There are no addresses to invite."))
    return rows


def do_start_invitation_batch(
    community: Community,
    created_by,
    *,
    rows: list[tuple[int, str]],
    role: str,
    tier: Tier,
    base_url: str,
) -> InvitationBatch:
    """Save the batch, then queue the background job that sends it.

    The batch is committed before it is queued, so the job always finds it; if the queue cannot
    be reached, the batch is deleted again and the error goes up (a 503 page), so nothing is
    left waiting for a job that will never run."""
    batch = InvitationBatch.objects.create(
        community=community,
        created_by=created_by,
        role=role,
        tier=tier,
        rows=[list(row) for row in rows],
        total=len(rows),
        base_url=base_url,
    )
    try:
        async_task(
            "communities.tasks.send_invitation_batch", batch.pk, task_name=f"batch-{batch.pk}"
        )
    except Exception:
        batch.delete()
        raise
    return batch


def check_start_invitation_batch(
    actor: Membership,
    community: Community,
    *,
    rows: list[tuple[int, str]],
    role: str = Role.MEMBER,
    tier: Tier,
    base_url: str,
) -> InvitationBatch:
    authorise(actor, Action.INVITE)
    validate_invitation_terms(actor, community, role=role, tier=tier, expires_at=None, max_uses=1)
    require_mailable_name(community)
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            _("At most %(most)s addresses at a time.") % {"most": f"{MAX_ROWS:,}"}
        )
    INVITE_RATE.require(actor.user_id, action="invitations")
    return do_start_invitation_batch(
        community, actor.user, rows=rows, role=role, tier=tier, base_url=base_url
    )


def _reason_invalid(value: str) -> str:
    """Why `value` is not sent, kept in English (the batch page translates it for its reader)."""
    if len(value) > 254:
        return gettext_noop("Too long for an email address.")
    try:
        validate_email(value)
    except ValidationError:
        return gettext_noop("Not an email address.")
    return ""


def do_send_invitation_batch(batch_id: int) -> InvitationBatch:
    """Send every row of the batch: one single-use email invitation per new address.

    Safe to run again after a crash: addresses that already have an invitation in this batch
    count as sent and are not mailed twice.
    """
    batch = InvitationBatch.objects.select_related("community", "tier", "created_by").get(
        pk=batch_id
    )
    InvitationBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, sent=0, skipped_existing=0, skipped_duplicate=0, invalid=0
    )
    batch.invalid_rows.all().delete()
    community = batch.community
    members = {
        email.lower()
        for email in Membership.objects.filter(
            community=community, status=MembershipStatus.ACTIVE
        ).values_list("user__email", flat=True)
    }
    already_sent = {email.lower() for email in batch.invitations.values_list("email", flat=True)}
    seen: set[str] = set()
    counts = {"sent": 0, "skipped_existing": 0, "skipped_duplicate": 0, "invalid": 0}
    connection = get_connection()
    for position, (row_number, value) in enumerate(batch.rows, start=1):
        address = value.strip().lower()
        reason = _reason_invalid(value.strip())
        if reason:
            InvalidInvitationRow.objects.create(
                batch=batch, row_number=row_number, value=value[:300], reason=reason
            )
            counts["invalid"] += 1
        elif address in seen:
            counts["skipped_duplicate"] += 1
        elif address in members:
            counts["skipped_existing"] += 1
        elif address in already_sent:
            counts["sent"] += 1
        else:
            _invite_by_email(batch, value.strip(), connection)
            counts["sent"] += 1
        seen.add(address)
        if position % PROGRESS_EVERY == 0:
            InvitationBatch.objects.filter(pk=batch.pk).update(**counts)
    InvitationBatch.objects.filter(pk=batch.pk).update(
        **counts, status=BatchStatus.DONE, finished_at=timezone.now()
    )
    batch.refresh_from_db()
    return batch


def _invite_by_email(batch: InvitationBatch, address: str, connection) -> None:
    with transaction.atomic():
        invitation = do_create_invitation(
            batch.community,
            batch.created_by,
            tier=batch.tier,
            role=batch.role,
            email=address,
            expires_at=timezone.now() + timedelta(days=EMAIL_INVITATION_DAYS),
            max_uses=1,
            batch=batch,
        )
        send_invitation_email(invitation, base_url=batch.base_url, connection=connection)


def send_invitation_email(invitation, *, base_url: str, connection=None) -> None:
    """Mail the invitation link to its address: saved to the outbox in the caller's
    transaction with the invitation (sosoon_site/mail/), sent by a background job. Written
    in the language of the account the address belongs to, if any, else the inviter's (who
    writes to people of their own circle)."""
    account = User.objects.filter(email__iexact=invitation.email).first()
    with in_language_of(account if chosen_language(account) else invitation.created_by):
        _send_invitation_email(invitation, base_url=base_url, connection=connection)


def _send_invitation_email(invitation, *, base_url: str, connection) -> None:
    context = {
        "invitation": invitation,
        "community": invitation.community,
        "inviter": invitation.created_by,
        "link": base_url.rstrip("/") + invitation.get_absolute_url(),
        "days": EMAIL_INVITATION_DAYS,
    }
    EmailMessage(
        subject=_("You are invited to %(community)s on Sosoon")
        % {"community": invitation.community.name},
        body=render_to_string("communities/email/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email],
        connection=connection,
    ).send()


def check_invite_one_email(
    actor: Membership,
    community: Community,
    *,
    email: str,
    role: str = Role.MEMBER,
    tier: Tier,
    base_url: str,
):
    """One address, sent at once (no batch): skipped with a message if already a member."""
    authorise(actor, Action.INVITE)
    validate_invitation_terms(actor, community, role=role, tier=tier, expires_at=None, max_uses=1)
    require_mailable_name(community)
    is_member = Membership.objects.filter(
        community=community, status=MembershipStatus.ACTIVE, user__email__iexact=email
    ).exists()
    if is_member:
        raise ValidationError({"email": _("This person is already a member.")})
    INVITE_RATE.require(actor.user_id, action="invitations")
    with transaction.atomic():
        invitation = do_create_invitation(
            community,
            actor.user,
            tier=tier,
            role=role,
            email=email,
            expires_at=timezone.now() + timedelta(days=EMAIL_INVITATION_DAYS),
            max_uses=1,
        )
        send_invitation_email(invitation, base_url=base_url)
    return invitation
