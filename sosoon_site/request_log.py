"""One log line per request, with the fields an operator searches by.

django-structlog's middleware binds a request id and the signed-in user's id to every line a
request logs, and ends each request with one `request_finished` (or `request_failed`) line.
These receivers shape that line: the method and the path apart (the query string stays out,
since it carries search terms), the status, and how long the request took.
"""

import time

from django.dispatch import receiver
from django_structlog import signals


@receiver(signals.bind_extra_request_metadata, dispatch_uid="sosoon_site.request_log.started")
def note_start(request, log_kwargs, **kwargs) -> None:
    """Remember when the request reached the first middleware."""
    request.sosoon_log_started = time.monotonic()


@receiver(
    signals.bind_extra_request_finished_metadata, dispatch_uid="sosoon_site.request_log.finished"
)
@receiver(signals.bind_extra_request_failed_metadata, dispatch_uid="sosoon_site.request_log.failed")
def describe_request(request, log_kwargs, **kwargs) -> None:
    """Replace django-structlog's "GET /path?query" and "code" with method, path, status and
    duration_ms."""
    log_kwargs.pop("request", None)
    log_kwargs["method"] = request.method
    log_kwargs["path"] = request.path
    log_kwargs["status"] = log_kwargs.pop("code")
    started = getattr(request, "sosoon_log_started", None)
    if started is not None:
        log_kwargs["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
