"""Signed-in people as the soak drives them: each one a browser over HTTPS to nginx, from a
loopback address of its own (so per-address limits count people, as behind a real proxy),
keeping its cookies, sending the Origin a browser sends, and each answer checked against what
that person should get. The `Tally` counts every answer."""

import re
import ssl
from collections import Counter
from dataclasses import dataclass, field

import httpx

from tests.deploy.environment_file import HOST
from tests.rehearsal.forms import Form, form_posting_to

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
POST_LINK = re.compile(r'href="/p/(\d+)/"')
IMAGE_LINK = re.compile(r'"(/p/\d+/images/\d+/)"')


@dataclass
class Tally:
    """Every answer the soak received: counted by status, and the ones it did not expect."""

    statuses: Counter = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)

    def record(self, method: str, path: str, status: int, expect: tuple[int, ...]) -> None:
        self.statuses[status] += 1
        if status not in expect:
            self.unexpected.append(f"{method} {path} -> {status} (expected {expect})")

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def count(self, low: int, high: int) -> int:
        return sum(n for status, n in self.statuses.items() if low <= status < high)

    @property
    def unexpected_4xx(self) -> int:
        return sum(1 for line in self.unexpected if " -> 4" in line)


@dataclass
class Page:
    path: str
    response: httpx.Response

    @property
    def text(self) -> str:
        return self.response.text

    def form(self, action_part: str) -> Form:
        return form_posting_to(self.text, action_part, page_path=self.path)

    def post_ids(self) -> list[int]:
        return sorted({int(found) for found in POST_LINK.findall(self.text)})

    def image_paths(self) -> list[str]:
        return sorted(set(IMAGE_LINK.findall(self.text)))


class Person:
    """One browser: `email` signed in through the login form, from `address`."""

    def __init__(self, *, https_port: int, tls: ssl.SSLContext, address: str, tally: Tally):
        self.origin = f"https://{HOST}:{https_port}"
        self.tally = tally
        self.email = ""
        self.address = address
        self.client = httpx.AsyncClient(
            base_url=f"https://127.0.0.1:{https_port}",
            headers={"Host": f"{HOST}:{https_port}"},
            transport=httpx.AsyncHTTPTransport(verify=tls, local_address=address),
            timeout=60,
        )

    async def get(self, path: str, *, expect: tuple[int, ...] = (200,)) -> Page:
        response = await self.client.get(path)
        self.tally.record("GET", path, response.status_code, expect)
        return Page(path, response)

    async def post(
        self,
        path: str,
        data: dict,
        *,
        files: dict | None = None,
        expect: tuple[int, ...] = (302,),
        referer: str | None = None,
    ) -> Page:
        headers = {"Origin": self.origin, "Referer": self.origin + (referer or path)}
        response = await self.client.post(path, data=data, files=files, headers=headers)
        self.tally.record("POST", path, response.status_code, expect)
        return Page(path, response)

    async def sign_in(self, email: str, password: str) -> None:
        """GET and POST /accounts/login/, as a browser does."""
        self.email = email
        form = await self.get("/accounts/login/")
        token = CSRF_FIELD.search(form.text)
        if token is None:
            raise AssertionError("the login page has no CSRF token")
        await self.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token.group(1), "login": email, "password": password},
        )
        if "sessionid" not in self.client.cookies:
            raise AssertionError(f"signing in {email} set no session")

    @property
    def session_cookie(self) -> str:
        return f"sessionid={self.client.cookies['sessionid']}"

    async def close(self) -> None:
        await self.client.aclose()
