"""The signed-in home page against a floor: a bare view answering with the very same bytes.

Both are requested in-process with django.test.Client, through the project's whole
middleware stack (sessions, authentication, time zone, CSRF, messages). Over HTTP, daphne's
own cost per request (Twisted, the hop into a worker thread, the loopback socket) would be
added to both alike, is not ours to change, and jitters more than the difference we are
after; in-process numbers are stable from run to run. The ratio is therefore what the home
view, its template and its queries add on top of Django itself.

The two are requested in turns, and which goes first alternates, so drift (CPU clock, caches,
garbage collection) falls on both alike.
"""

import statistics
import time

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path

from sosoon_site import urls as site_urls
from sosoon_site.accounts.models import User

REQUESTS = 300
WARM_UP = 30
MEMBER = "ana@demo.sosoon.test"
HOME = "/"
FLOOR = "/bench/floor"


class Floor:
    """A view that answers with a response captured beforehand: Django's cost, no work."""

    body = b""
    content_type = ""

    def copy(self, response: HttpResponse) -> None:
        self.body = response.content
        self.content_type = response["Content-Type"]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(self.body, content_type=self.content_type)


floor = Floor()
# The bench-only urlconf: the project's URLs plus the floor.
urlpatterns = [*site_urls.urlpatterns, path(FLOOR.lstrip("/"), floor)]


def milliseconds(client: Client, url: str) -> float:
    """Time one GET of `url`; a response other than 200 stops the benchmark."""
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}, not 200")
    return elapsed * 1000


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def run() -> list[dict]:
    """Time the home page signed in as a demo member, and the floor, REQUESTS times each."""
    client = Client()
    client.force_login(User.objects.get(email=MEMBER))
    with override_settings(ROOT_URLCONF=__name__):
        home = client.get(HOME)
        if b'data-testid="welcome-name">Ana Lima<' not in home.content:
            raise RuntimeError(f"the home page does not greet {MEMBER}; is demo data seeded?")
        floor.copy(home)
        if client.get(FLOOR).content != home.content:
            raise RuntimeError("the floor does not answer with the home page's bytes")

        for _ in range(WARM_UP):
            milliseconds(client, HOME)
            milliseconds(client, FLOOR)
        home_ms, floor_ms = [], []
        for turn in range(REQUESTS):
            if turn % 2:
                floor_ms.append(milliseconds(client, FLOOR))
                home_ms.append(milliseconds(client, HOME))
            else:
                home_ms.append(milliseconds(client, HOME))
                floor_ms.append(milliseconds(client, FLOOR))

        # Counted apart from the timed requests: capturing queries slows every cursor down.
        with CaptureQueriesContext(connection) as queries:
            client.get(HOME)

    return [
        {
            "benchmark": "home_signed_in",
            # In-process (django.test.Client): bench_pages measures through daphne.
            "diagnostic": True,
            "requests": REQUESTS,
            "median_ms": round(statistics.median(home_ms), 3),
            "p95_ms": round(p95(home_ms), 3),
            "floor_median_ms": round(statistics.median(floor_ms), 3),
            "floor_p95_ms": round(p95(floor_ms), 3),
            "ratio_median": round(statistics.median(home_ms) / statistics.median(floor_ms), 2),
            "queries_per_request": len(queries),
        }
    ]
