# ruff: noqa: RUF001 (the assertions are Bulgarian: Cyrillic letters that look Latin are meant)
"""Why a cross-post failed or an account needs reconnecting, as each reader reads it.

The publisher writes a reason once, in a background job; it is stored in English (for the
admin, the logs and search) with its words beside, and every page and notice puts the words
in its reader's language, with the numbers and the network's own message filled in. Here the
jobs run while Bulgarian is active, so the stored English cannot be an accident of the job's
language. The owner reads Bulgarian (their profile's choice); the admin reads English.
"""

from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from feeds.crossposting.models import AccountStatus, CrossPostStatus
from feeds.crossposting.services.publishing import MAX_ATTEMPTS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bulgarian")]

GAVE_UP = (
    "Gave up after 5 attempts. Last answer: X had a server error (500); Sosoon will try again. "
    "Retry later."
)
GAVE_UP_BG = (
    "Отказахме се след 5 опита. Последен отговор: X имаше сървърна грешка (500); Sosoon ще "
    "опита отново. Опитайте отново по-късно."
)
X_ACCESS_LEVEL = (
    "You currently have access to a subset of X API V2 endpoints and limited v1.1 endpoints only."
)


@pytest.fixture
def readers(owner, admin):
    """The owner reads Sosoon in Bulgarian, the admin in English."""
    owner.language, admin.language = "bg", "en"
    owner.save(update_fields=["language"])
    admin.save(update_fields=["language"])
    return owner, admin


def page(client, person, name, **kwargs) -> str:
    client.force_login(person)
    return unescape(client.get(reverse(name, **kwargs)).text)


def crossposts_page(client, person) -> str:
    return page(client, person, "crossposting:list", kwargs={"slug": "wine"})


def test_a_crosspost_that_gave_up_reads_in_each_readers_language(
    readers, client, x_account, crosspost_factory, dispatch, fake_x
):
    owner, admin = readers
    fake_x.fail("/2/tweets", "500", times=MAX_ATTEMPTS)
    crosspost = crosspost_factory(x_account)
    dispatch()
    for _ in range(MAX_ATTEMPTS - 1):
        crosspost.refresh_from_db()
        dispatch(now=crosspost.next_attempt_at)

    crosspost.refresh_from_db()
    assert crosspost.status == CrossPostStatus.FAILED
    assert crosspost.reason == GAVE_UP
    assert GAVE_UP_BG in crossposts_page(client, owner)
    assert GAVE_UP in crossposts_page(client, admin)
    # The owner's email is theirs to read too.
    assert GAVE_UP_BG in mail.outbox[-1].body


def test_the_networks_own_words_stay_as_the_network_wrote_them(
    readers, client, x_account, crosspost_factory, dispatch, fake_x
):
    owner, admin = readers
    fake_x.fail("/2/tweets", "access_level")
    crosspost = crosspost_factory(x_account)
    dispatch()

    crosspost.refresh_from_db()
    assert crosspost.status == CrossPostStatus.FAILED
    assert crosspost.reason == f"X does not allow this post: {X_ACCESS_LEVEL}"
    assert f"X не позволява тази публикация: {X_ACCESS_LEVEL}" in crossposts_page(client, owner)
    assert f"X does not allow this post: {X_ACCESS_LEVEL}" in crossposts_page(client, admin)


def test_an_account_that_needs_reconnecting_says_so_in_each_readers_language(
    readers, client, x_account, crosspost_factory, dispatch, fake_x
):
    owner, admin = readers
    fake_x.expire_access_tokens()
    fake_x.refresh_tokens.clear()  # the refresh token was revoked
    crosspost = crosspost_factory(x_account)
    dispatch()

    crosspost.refresh_from_db()
    x_account.refresh_from_db()
    assert x_account.status == AccountStatus.REAUTH_REQUIRED
    said = "Value passed for the token was invalid."  # X's own words, in its token answer
    refused = f"X refused the authorisation ({said}); reconnect the account."
    refused_bg = f"X отказа упълномощаването ({said}); свържете профила отново."
    assert x_account.status_reason == refused
    assert crosspost.reason == (
        f"X @wineclub needs to be reconnected ({refused}). Reconnect it, then retry."
    )
    failed_bg = (
        f"X @wineclub трябва да бъде свързан отново ({refused_bg}). Свържете го, после "
        "опитайте пак."
    )

    accounts = {"kwargs": {"slug": "wine"}}
    assert refused_bg in page(client, owner, "crossposting:accounts", **accounts)
    assert refused in page(client, admin, "crossposting:accounts", **accounts)
    glance_bg = page(client, owner, "crossposting:calendar_accounts")
    assert refused_bg in glance_bg and failed_bg in glance_bg
    glance = page(client, admin, "crossposting:calendar_accounts")
    assert refused in glance and crosspost.reason in glance
    assert failed_bg in crossposts_page(client, owner)
    assert crosspost.reason in crossposts_page(client, admin)
    reconnect = next(message for message in mail.outbox if said in message.body)
    assert refused_bg in reconnect.body


def test_a_reason_stored_before_its_words_were_kept_still_reads_translated(
    readers, client, x_account, crosspost_factory
):
    owner, _admin = readers
    crosspost_factory(
        x_account,
        status=CrossPostStatus.CANCELLED,
        reason="Cancelled: the account was disconnected.",
    )

    assert "Отменен: профилът беше изключен." in crossposts_page(client, owner)


def test_a_sandbox_accounts_name_inside_a_reason_is_read_in_each_language(
    readers, client, settings, x_account, crosspost_factory, dispatch
):
    owner, admin = readers
    settings.SOSOON_SANDBOX_NETWORKS = True
    crosspost = crosspost_factory(x_account)
    x_account.status = AccountStatus.REAUTH_REQUIRED
    x_account.save(update_fields=["status"])
    dispatch()

    crosspost.refresh_from_db()
    english = "Sandbox X @wineclub is not connected any more; reconnect it, then retry."
    assert crosspost.reason == english
    assert english in crossposts_page(client, admin)
    assert (
        "X (тестова среда) @wineclub вече не е свързан; свържете го отново, после опитайте пак."
        in crossposts_page(client, owner)
    )
