"""Calling a provider's API: explicit timeouts, and transport outcomes turned into errors.

Whether a failed call may be repeated depends on whether the provider could have acted on it.
A refused connection, a connect or pool timeout, or a timeout while still writing the body
mean it never arrived: TemporaryFailure. A timeout or dropped connection while waiting for the
answer means it arrived: for a request that creates a public post that is OutcomeUnknown
(the post may be live, so nobody may send it again blindly); for anything else (a token, an
upload, a status read) repeating is harmless, so it is TemporaryFailure too.

Each request gets a client of its own and closes it: no connection is kept alive between
requests, so a pooled connection the provider has since closed can never turn a harmless send
into an OutcomeUnknown. What is shared is the TLS configuration (`tls()`), the expensive part.
"""

import functools
import ssl
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from feeds.crossposting.base import OutcomeUnknown, Quota, TemporaryFailure
from sosoon_site.languages import ReadersWords, words_of

# When a 429 carries no usable reset, wait this long.
DEFAULT_RATE_LIMIT_WAIT = timedelta(seconds=60)
# A reset header at least this large is an instant (epoch seconds), not a wait: 2001-09-09.
EPOCH_FLOOR = 1_000_000_000

NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.WriteTimeout)
NO_ANSWER = (httpx.ReadTimeout, httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError)


def timeouts() -> httpx.Timeout:
    """Connect fast or not at all; give the provider SOSOON_CROSSPOST_HTTP_TIMEOUT to answer."""
    answer = settings.SOSOON_CROSSPOST_HTTP_TIMEOUT
    return httpx.Timeout(answer, connect=min(answer, 5.0))


@functools.cache
def tls() -> ssl.SSLContext:
    """httpx's default TLS settings (certifi's roots, or SSL_CERT_FILE / SSL_CERT_DIR), built
    once per process. Building them reads the whole trust store: about 25 ms of CPU, which a
    fresh client per request would pay each time (25 s of CPU for 1,000 cross-posts, more than
    the network wait they share). An SSLContext is safe to share between threads."""
    return httpx.create_ssl_context()


def send(method: str, url: str, *, label: str, creates: bool = False, **options) -> httpx.Response:
    """One HTTP request to a provider; raises TemporaryFailure / OutcomeUnknown as above and
    TemporaryFailure for any 5xx. Other statuses are the caller's to read."""
    try:
        with httpx.Client(timeout=timeouts(), verify=tls()) as client:
            response = client.request(method, url, **options)
    except NOT_SENT:
        raise TemporaryFailure(
            ReadersWords(
                gettext_noop("%(network)s could not be reached; Sosoon will try again."),
                {"network": label},
            )
        ) from None
    except NO_ANSWER:
        if creates:
            raise OutcomeUnknown(
                ReadersWords(
                    gettext_noop(
                        "%(network)s received the post but did not answer in time, so Sosoon "
                        "cannot tell whether it went out. Check the account before retrying."
                    ),
                    {"network": label},
                )
            ) from None
        raise TemporaryFailure(
            ReadersWords(
                gettext_noop("%(network)s did not answer in time; Sosoon will try again."),
                {"network": label},
            )
        ) from None
    if response.status_code >= 500:
        raise TemporaryFailure(
            ReadersWords(
                gettext_noop("%(network)s had a server error (%(status)s); Sosoon will try again."),
                {"network": label, "status": response.status_code},
            )
        )
    return response


def retry_after(response: httpx.Response) -> datetime:
    """When a 429 says to come back: Retry-After in seconds or as an HTTP date."""
    value = response.headers.get("retry-after", "").strip()
    now = timezone.now()
    if value.isdigit():
        return now + timedelta(seconds=int(value))
    if value:
        try:
            return parsedate_to_datetime(value).astimezone(UTC)
        except (TypeError, ValueError):
            pass
    return now + DEFAULT_RATE_LIMIT_WAIT


def epoch_reset(response: httpx.Response, header: str) -> datetime:
    """When a 429 says to come back, from an epoch-seconds header (X's x-rate-limit-reset)."""
    value = response.headers.get(header, "").strip()
    if value.isdigit():
        return datetime.fromtimestamp(int(value), UTC)
    return timezone.now() + DEFAULT_RATE_LIMIT_WAIT


def answered_id(
    response: httpx.Response, *path: str, label: str, what: str, creates: bool = False
) -> str:
    """The id at `path` in a 2xx answer's JSON object (ids come as strings or numbers).

    A 2xx without it (X's `{"data": {}}`, an empty Pinterest object, a page from a proxy that
    is not JSON at all) is no answer the network documents, so it is read for what it may
    mean: for a request that creates a public post, the post may be live all the same, and
    nobody may send it again blindly (OutcomeUnknown: the row goes to needs_review, saying
    so); for an upload, a token or a status read nothing was published by it, so repeating
    is harmless (TemporaryFailure, and after the publisher's last attempt a failure that
    says what the network answered)."""
    value: object = json_body(response)
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    if isinstance(value, int | str) and not isinstance(value, bool) and str(value).strip():
        return str(value)
    if creates:
        raise OutcomeUnknown(
            ReadersWords(
                gettext_noop(
                    "%(network)s answered HTTP %(status)s to the post without its %(what)s, so "
                    "Sosoon cannot tell whether it went out. Check the account on %(network)s "
                    "before retrying."
                ),
                {"network": label, "status": response.status_code, "what": words_of(what)},
            )
        )
    raise TemporaryFailure(
        ReadersWords(
            gettext_noop(
                "%(network)s answered HTTP %(status)s without the %(what)s Sosoon needs; "
                "Sosoon will try again."
            ),
            {"network": label, "status": response.status_code, "what": words_of(what)},
        )
    )


def quota(response: httpx.Response, *, remaining: str, reset: str) -> Quota | None:
    """The quota an answer's rate-limit headers report, or None when it carries none. The
    reset is epoch seconds (X's x-rate-limit-reset) or, for a value too small to be an
    instant, seconds from now (as Pinterest's x-ratelimit-reset is read)."""
    left = response.headers.get(remaining, "").strip()
    until = response.headers.get(reset, "").strip()
    if not (left.isdigit() and until.isdigit()):
        return None
    seconds = int(until)
    if seconds >= EPOCH_FLOOR:
        reset_at = datetime.fromtimestamp(seconds, UTC)
    else:
        reset_at = timezone.now() + timedelta(seconds=seconds)
    return Quota(remaining=int(left), reset_at=reset_at)


def json_body(response: httpx.Response) -> dict:
    """The response's JSON object, or {} when the body is not one (an HTML error page)."""
    try:
        payload = response.json()
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}
