"""Email invitations: one address, a pasted list or a CSV, sent in the background."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communities.models import Invitation, InvitationBatch, Membership

URL = reverse("communities:email_invitations", kwargs={"slug": "wine"})


@pytest.fixture
def owner_client(client, owner, community):
    client.force_login(owner)
    return client


def terms(community, **extra):
    return {"role": "member", "tier": community.tiers.get(name="Insider").pk, **extra}


def test_one_address_is_mailed_a_single_use_link(owner_client, community, mailoutbox):
    response = owner_client.post(URL, terms(community, email="friend@example.test"), follow=True)
    assert "Invitation sent to friend@example.test." in response.content.decode()
    invitation = Invitation.objects.get(email="friend@example.test")
    assert invitation.max_uses == 1 and invitation.tier.name == "Insider"
    (mail,) = mailoutbox
    assert mail.to == ["friend@example.test"]
    assert "Natural Wine Club" in mail.subject
    assert f"http://testserver/invite/{invitation.token}/" in mail.body


def test_one_address_of_an_existing_member_is_refused(owner_client, community, member, mailoutbox):
    response = owner_client.post(URL, terms(community, email=member.email.upper()))
    assert "This person is already a member." in response.content.decode()
    assert not Invitation.objects.exists() and not mailoutbox


def test_a_pasted_list_is_sent_in_the_background_and_counted(
    owner_client, community, member, mailoutbox
):
    pasted = "\n".join(
        ["a@example.test", "b@example.test", "A@example.test", member.email, "not-an-address", ""]
    )
    response = owner_client.post(URL, terms(community, addresses=pasted), follow=True)
    batch = InvitationBatch.objects.get()
    assert response.redirect_chain[-1][0] == f"/c/wine/invitations/batches/{batch.pk}/"
    assert (
        batch.total,
        batch.sent,
        batch.skipped_duplicate,
        batch.skipped_existing,
        batch.invalid,
    ) == (5, 2, 1, 1, 1)
    assert batch.status == "done" and batch.percent == 100
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.test", "b@example.test"]
    page = response.content.decode()
    assert 'data-testid="sent">2<' in page
    assert "<td>5</td><td>not-an-address</td><td>Not an email address.</td>" in page


def test_a_csv_with_broken_rows_reports_each_row(owner_client, community, mailoutbox):
    upload = SimpleUploadedFile(
        "people.csv",
        b'email,name\nok@example.test,Ok\n@broken,Bad\n"unterminated@x.test,Q\nlast@example.test\n',
        content_type="text/csv",
    )
    owner_client.post(URL, terms(community, csv_file=upload))
    batch = InvitationBatch.objects.get()
    rows = list(batch.invalid_rows.values_list("row_number", "reason"))
    assert batch.sent == 1
    assert (3, "Not an email address.") in rows
    assert len(rows) == batch.invalid == batch.total - batch.sent


def test_progress_is_polled_with_htmx_while_running(owner_client, community):
    batch = InvitationBatch.objects.create(
        community=community,
        created_by=community.owner,
        tier=community.tiers.first(),
        rows=[[1, "x@example.test"]],
        total=1,
        status="running",
        base_url="http://testserver/",
    )
    url = reverse("communities:batch", kwargs={"slug": "wine", "batch_id": batch.pk})
    page = owner_client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert '<meta http-equiv="refresh" content="2">' in page  # works without JS too
    partial = owner_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="batch-progress"')
    assert "0 of 1 processed" in partial


def test_5001_rows_is_a_form_error_and_nothing_is_saved(owner_client, community, mailoutbox):
    rows = "\n".join(f"person{n}@example.test" for n in range(5001)).encode()
    upload = SimpleUploadedFile("big.csv", rows, content_type="text/csv")
    response = owner_client.post(URL, terms(community, csv_file=upload))
    assert "At most 5,000 addresses at a time" in response.content.decode()
    assert not InvitationBatch.objects.exists() and not Invitation.objects.exists()
    assert not mailoutbox


def test_5000_rows_are_accepted(owner_client, community, mailoutbox):
    pasted = "\n".join(f"guest{n}@example.test" for n in range(5000))
    owner_client.post(URL, terms(community, addresses=pasted))
    batch = InvitationBatch.objects.get()
    assert batch.sent == 5000 == len(mailoutbox)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Give one address, a pasted list, or a CSV file"),
        ({"email": "x@example.test", "addresses": "y@example.test"}, "just one of them"),
        ({"email": "not an email"}, "Enter a valid email address."),
        ({"csv_file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00binary")}, "not a UTF-8 CSV file"),
        ({"addresses": "\n\n"}, "Give one address"),
    ],
)
def test_bad_email_invitation_input(owner_client, community, data, message):
    response = owner_client.post(URL, terms(community, **data))
    assert message in response.content.decode()
    assert not InvitationBatch.objects.exists() and not Invitation.objects.exists()


def test_an_emailed_invitation_works_once(client, owner_client, community, outsider, mailoutbox):
    owner_client.post(URL, terms(community, email=outsider.email))
    invitation = Invitation.objects.get()
    client.force_login(outsider)
    client.post(invitation.get_absolute_url())
    assert Membership.objects.filter(user=outsider, community=community, status="active").exists()
