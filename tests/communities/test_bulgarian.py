# ruff: noqa: RUF001 (the assertions are Bulgarian: Cyrillic letters that look Latin are meant)
"""Community pages, forms, messages, notifications and invitation emails read in Bulgarian.

Each request is made with Bulgarian active and asked for by the browser, so the test holds
with or without the locale middleware choosing the language per request.
"""

from pathlib import Path

from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import translation

from communities.models import Membership
from communities.services.email_invitations import send_invitation_email
from communities.services.invitations import check_create_invitation
from communities.services.join_requests import check_request_to_join
from tests.catalogs import compile_catalogs
from tests.factories import add_member

LOCALE = Path(django_settings.BASE_DIR) / "locale"
CATALOG = LOCALE / "bg" / "LC_MESSAGES" / "django.po"
BULGARIAN = {"HTTP_ACCEPT_LANGUAGE": "bg"}


def test_the_community_page_speaks_bulgarian(bulgarian, client, community, member):
    client.force_login(member)

    page = client.get(reverse("communities:home", args=["wine"]), **BULGARIAN).content.decode()

    assert "Вашата роля тук: <strong>Член</strong>, в ниво <strong>Member</strong>." in page
    assert ">Членове</a>" in page
    assert "Напусни Natural Wine Club" in page
    assert "Your role here" not in page


def test_a_refused_form_and_a_done_message_in_bulgarian(bulgarian, client, owner, community):
    client.force_login(owner)
    url = reverse("communities:email_invitations", args=["wine"])

    refused = client.post(
        url, {"role": "member", "tier": community.tiers.get(rank=0).pk}, **BULGARIAN
    )
    added = client.post(
        reverse("communities:tiers", args=["wine"]), {"name": "VIP"}, follow=True, **BULGARIAN
    )

    assert "Дайте един адрес, поставен списък или CSV файл" in refused.content.decode()
    assert "<label" in refused.content.decode() and "Един адрес" in refused.content.decode()
    assert "Нивото е добавено." in added.content.decode()


def test_a_stored_notification_reads_in_the_readers_language(
    bulgarian, client, listed_community, user_factory
):
    """Notifications keep their kind, not a sentence: whoever reads them gets their language."""
    stranger = user_factory(handle="stranger", display_name="Sam Stranger")
    with translation.override("en"):
        check_request_to_join(stranger, listed_community, "I restore Junos.")
    client.force_login(listed_community.owner)

    page = client.get(reverse("communities:notifications"), **BULGARIAN).content.decode()

    assert "<title>Известия" in page
    assert "<strong>Sam Stranger</strong>" in page and "поиска да се присъедини" in page
    assert "asked to join" not in page


def test_the_invitation_email_in_bulgarian(bulgarian, community, owner, mailoutbox):
    inviter = add_member(community, role="admin")
    invitation = check_create_invitation(
        inviter, community, role="member", tier=community.tiers.get(rank=0), email="a@example.test"
    )

    send_invitation_email(invitation, base_url="http://testserver/")

    (mail,) = mailoutbox
    assert mail.subject == "Поканени сте в Natural Wine Club в Sosoon"
    assert "ви кани да се присъедините към Natural Wine Club в Sosoon." in mail.body
    assert "(валидна 14 дни, за един човек)" in mail.body


def test_an_emailed_invitation_to_a_bulgarian_member_is_in_bulgarian(
    community, owner, user_factory, mailoutbox
):
    """Sent from an English page: the address belongs to a member who reads Bulgarian."""
    compile_catalogs()
    reader = user_factory(handle="petya", email="petya@example.com")
    reader.language = "bg"
    reader.save(update_fields=["language"])
    invitation = check_create_invitation(
        Membership.objects.get(user=owner, community=community),
        community,
        tier=community.tiers.get(rank=0),
        email="petya@example.com",
    )
    send_invitation_email(invitation, base_url="https://sosoon.example")
    assert mailoutbox[-1].subject == f"Поканени сте в {community.name} в Sosoon"
