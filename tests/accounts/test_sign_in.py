"""Signing in, signing up (invite-only), resetting a password, and allauth's rate limits."""

import pytest
from django.core import mail

from sosoon_site.accounts.models import User


def test_a_member_signs_in_with_email_and_password(client, user, password):
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": password}, follow=True
    )

    assert response.status_code == 200
    assert response.wsgi_request.user == user
    assert b"Welcome" in response.content


def test_a_wrong_password_keeps_the_visitor_out_with_a_message(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": "wrong"})

    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert b"not correct" in response.content


def test_repeated_failures_are_rate_limited(client, user):
    for _ in range(5):
        client.post("/accounts/login/", {"login": user.email, "password": "wrong"})

    response = client.post("/accounts/login/", {"login": user.email, "password": "wrong"})

    assert b"Too many failed login attempts" in response.content


def test_failed_sign_ins_are_counted_per_address_whatever_the_host_name(client, user, settings):
    settings.ALLOWED_HOSTS = ["sosoon.example.test", "www.sosoon.example.test"]
    hosts = ["sosoon.example.test", "www.sosoon.example.test"]
    for attempt in range(5):
        response = client.post(
            "/accounts/login/",
            {"login": user.email, "password": "wrong"},
            headers={"host": hosts[attempt % 2]},
        )
        assert b"not correct" in response.content

    for host in hosts:
        response = client.post(
            "/accounts/login/",
            {"login": user.email.upper(), "password": "wrong"},
            headers={"host": host},
        )
        assert b"Too many failed login attempts" in response.content


def test_the_failed_sign_in_limit_of_one_address_leaves_others_alone(client, user, user_factory):
    other = user_factory()
    for _ in range(5):
        client.post("/accounts/login/", {"login": user.email, "password": "wrong"})

    response = client.post("/accounts/login/", {"login": other.email, "password": "wrong"})

    assert b"not correct" in response.content


def test_sign_up_is_closed_without_an_invitation(client, db):
    response = client.get("/accounts/signup/")

    assert response.status_code == 200
    assert b"Sign Up Closed" in response.content or b"closed" in response.content.lower()
    client.post(
        "/accounts/signup/",
        {
            "email": "newcomer@example.test",
            "password1": "a long pass phrase",
            "password2": "a long pass phrase",
            "handle": "newcomer",
        },
    )
    assert not User.objects.filter(email="newcomer@example.test").exists()


def open_gate(request):
    return True


@pytest.fixture
def open_signup(settings):
    settings.SOSOON_SIGNUP_GATE = "tests.accounts.test_sign_in.open_gate"


def test_when_the_gate_opens_sign_up_asks_for_a_handle(client, db, open_signup):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "newcomer@example.test",
            "password1": "a long pass phrase",
            "password2": "a long pass phrase",
            "handle": "newcomer",
            "display_name": "New Comer",
        },
    )

    assert response.status_code == 302
    person = User.objects.get(email="newcomer@example.test")
    assert (person.handle, person.display_name) == ("newcomer", "New Comer")


def test_sign_up_refuses_a_taken_handle_and_creates_nothing(client, user, open_signup):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "other@example.test",
            "password1": "a long pass phrase",
            "password2": "a long pass phrase",
            "handle": user.handle.upper(),
        },
    )

    assert response.status_code == 200
    assert b"That handle is taken" in response.content
    assert not User.objects.filter(email="other@example.test").exists()


def test_sign_up_refuses_a_display_name_with_a_line_break_and_creates_nothing(
    client, db, open_signup
):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "other@example.test",
            "password1": "a long pass phrase",
            "password2": "a long pass phrase",
            "handle": "other",
            "display_name": "Other\nBcc: victim@example.test",
        },
    )

    assert response.status_code == 200
    assert b"A display name must be one line without control characters" in response.content
    assert not User.objects.filter(email="other@example.test").exists()


def test_password_reset_sends_a_link(client, user):
    response = client.post("/accounts/password/reset/", {"email": user.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_two_factor_setup_is_offered_from_the_account_pages(auth_client):
    response = auth_client.get("/accounts/2fa/")

    assert response.status_code == 200
    assert b"Authenticator App" in response.content
    assert b"/accounts/2fa/totp/activate/" in response.content


def test_two_factor_pages_need_a_signed_in_member(client, db):
    response = client.get("/accounts/2fa/totp/activate/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
