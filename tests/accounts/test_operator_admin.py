"""The operator gets in: in the production profile (DEBUG=0, verification mandatory), a
superuser made by `manage.py createsuperuser --noinput` signs in through the login page of a
real daphne and sees the admin index; a verified member who is not staff does not.

Daphne sits "behind a proxy" (SOSOON_BEHIND_PROXY=1, X-Forwarded-Proto: https), so its cookies
are Secure; this client sends them back over plain HTTP itself, as the proxy's client would."""

import secrets
from http.cookies import SimpleCookie

import httpx
from cryptography.fernet import Fernet

from tests.site.live_site import live_site

MEMBER = """
from allauth.account.models import EmailAddress
from sosoon_site.accounts.models import User
user = User.objects.create_user(email="member@example.test", password="member pass phrase 42")
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
"""


class BehindProxy:
    """An HTTPS browser as daphne sees it through the proxy."""

    def __init__(self, base_url: str):
        self.client = httpx.Client(base_url=base_url, timeout=20)
        self.origin = "https://" + base_url.split("://", 1)[1]
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        headers = {
            "X-Forwarded-Proto": "https",
            "Origin": self.origin,
            "Referer": self.origin + path,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.client.request(method, path, headers=headers, **kwargs)
        for header in response.headers.get_list("set-cookie"):
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def sign_in(self, email: str, password: str) -> httpx.Response:
        self.request("GET", "/accounts/login/?next=/admin/").raise_for_status()
        return self.request(
            "POST",
            "/accounts/login/?next=/admin/",
            data={
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
                "login": email,
                "password": password,
            },
        )


def test_createsuperuser_then_admin_in_the_production_profile(tmp_path):
    production = {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SOSOON_FIELD_KEYS": Fernet.generate_key().decode(),
        "SOSOON_BEHIND_PROXY": "1",
        "STATIC_ROOT": str(tmp_path / "static"),
        "EMAIL_HOST": "127.0.0.1",
        "DJANGO_SUPERUSER_EMAIL": "operator@example.test",
        "DJANGO_SUPERUSER_PASSWORD": "operator pass phrase 42",
    }
    with live_site(tmp_path, suffix="operator", **production) as site:
        site.manage("collectstatic", "--noinput", "--verbosity", "0")
        site.manage("createsuperuser", "--noinput")
        site.python(MEMBER)

        operator = BehindProxy(site.base_url)
        signed_in = operator.sign_in("operator@example.test", "operator pass phrase 42")
        assert (signed_in.status_code, signed_in.headers["location"]) == (302, "/admin/")
        index = operator.request("GET", "/admin/")
        assert index.status_code == 200 and "Moderation and settings" in index.text

        member = BehindProxy(site.base_url)
        assert member.sign_in("member@example.test", "member pass phrase 42").status_code == 302
        admin = member.request("GET", "/admin/")
        assert admin.status_code == 302
        refused = member.request("GET", admin.headers["location"])
        assert refused.status_code == 403 and "Moderation and settings" not in refused.text
