"""Load from outside for the real-server benchmarks: readers signed in through the login form
(tests/production_server.py's sign_in) and concurrent page requests timed end to end."""

import asyncio
import ssl
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from tests.bench.bulk_data import PASSWORD
from tests.production_server import Member, sign_in

# allauth's login limit is 30 a minute per address, and every client here is 127.0.0.1.
LOGIN_RETRY_SECONDS = 65
# Requests of one kind in a row when a page and the floor are measured in turns.
TURN = 10


@dataclass(frozen=True)
class Address:
    """Where sign_in sends the browser: a daphne directly, or nginx."""

    base_url: str


async def sign_in_readers(
    base_url: str, emails: list[str], *, tls: ssl.SSLContext | bool = True
) -> list[Member]:
    """Each address signed in through the login form, one after another as people arrive; a
    login refused by the rate limit is tried again once it has passed."""
    members = []
    for email in emails:
        try:
            members.append(await sign_in(Address(base_url), email, PASSWORD, verify=tls))
        except RuntimeError as refused:
            if " 429" not in str(refused):
                raise
            await asyncio.sleep(LOGIN_RETRY_SECONDS)
            members.append(await sign_in(Address(base_url), email, PASSWORD, verify=tls))
    return members


def tab(member: Member, base_url: str, tls: ssl.SSLContext | bool = True) -> Member:
    """A second browser tab of `member` on `base_url`: the same cookies, its own connection."""
    return Member(httpx.AsyncClient(base_url=base_url, timeout=60, verify=tls), member.cookies)


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def summary(samples: list[float], errors: Counter, seconds: float) -> dict:
    """p50/p95/p99 in ms, requests/s over the wall time, and errors (with their kinds: an
    HTTP status, or the transport error's name)."""
    kinds = {str(kind): count for kind, count in errors.items()}
    if not samples:
        return {"requests": 0, "errors": errors.total(), "error_kinds": kinds}
    return {
        "requests_per_s": round(len(samples) / seconds, 1),
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(percentile(samples, 0.95), 1),
        "p99_ms": round(percentile(samples, 0.99), 1),
        "requests": len(samples),
        "errors": errors.total(),
        "error_kinds": kinds,
    }


async def measure(members: list[Member], path_of: Callable[[int, int], str], count: int) -> dict:
    """Every member requesting `path_of(member number, request number)` `count` times, side by
    side; any answer but 200, and any failed request, is an error."""
    samples: list[float] = []
    errors: Counter = Counter()

    async def one(number: int, member: Member) -> None:
        for request in range(count):
            start = time.perf_counter()
            try:
                response = await member.get(path_of(number, request))
            except httpx.HTTPError as failure:
                errors[type(failure).__name__] += 1
                continue
            samples.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                errors[response.status_code] += 1

    started = time.perf_counter()
    await asyncio.gather(*(one(number, member) for number, member in enumerate(members)))
    return summary(samples, errors, time.perf_counter() - started)


async def measure_in_turns(
    member: Member, path_of: Callable[[int, int], str], floor_path: str, count: int
) -> tuple[dict, dict]:
    """One member requesting `path_of(0, request number)` and `floor_path`, `count` times each,
    in turns of TURN requests of one then TURN of the other: the page's summary and the
    floor's.

    Alone on a shared machine, one block of page requests and then one of floor requests put
    any burst from elsewhere on one of them; in turns it falls on both alike. Turns of several
    requests rather than of one, so what a request leaves behind (its garbage, its thread
    winding down) mostly falls on its own kind. Requests/s is each one's requests over the
    time spent waiting for them."""
    samples: dict[str, list[float]] = {"page": [], "floor": []}
    errors: dict[str, Counter] = {"page": Counter(), "floor": Counter()}
    for first in range(0, count, TURN):
        for kind in ("page", "floor"):
            for request in range(first, min(first + TURN, count)):
                path = path_of(0, request) if kind == "page" else floor_path
                start = time.perf_counter()
                try:
                    response = await member.get(path)
                except httpx.HTTPError as failure:
                    errors[kind][type(failure).__name__] += 1
                    continue
                samples[kind].append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    errors[kind][response.status_code] += 1
    page, floor = (
        summary(samples[kind], errors[kind], sum(samples[kind]) / 1000)
        for kind in ("page", "floor")
    )
    return page, floor


async def close(members: list[Member]) -> None:
    await asyncio.gather(*(member.client.aclose() for member in members))
