"""The friendly 503: a request that cannot go on without Redis (the rate-limit cache before a
sign-in, a post or a comment) answers with a page that says to try again shortly, and a
Retry-After header, instead of an error. Nothing was saved: every such check runs before the
write. Pushes to sockets after a write never get here (sosoon_site.realtime skips them)."""

import logging

from django.shortcuts import render
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30


class RedisUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RedisConnectionError | RedisTimeoutError):
            return None
        logger.error("Redis is unreachable, so %s answered 503: %s", request.path, exception)
        response = render(request, "503.html", {"retry_after": RETRY_AFTER_SECONDS}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
