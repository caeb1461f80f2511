"""The friendly 429: any view whose service raises `RateLimited` answers with a page that
says when to try again (and a Retry-After header), instead of an error."""

import math

from django.shortcuts import render

from sosoon_site.rate_limits import RateLimited


class RateLimitedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RateLimited):
            return None
        seconds = max(1, math.ceil(exception.retry_after))
        response = render(
            request,
            "429.html",
            {"message": exception.message, "retry_after": seconds},
            status=429,
        )
        response["Retry-After"] = str(seconds)
        return response
