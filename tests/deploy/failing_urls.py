"""Sosoon's URLs and /deliberate-failure/, a view that raises (tests/deploy/test_sentry.py)."""

from django.urls import path

from sosoon_site.urls import urlpatterns as site_urlpatterns


class DeliberateFailure(Exception):
    """Raised only by the view below; its name is what the error report must carry."""


def fail(request):
    raise DeliberateFailure("raised on purpose by the deployment tests")


urlpatterns = [path("deliberate-failure/", fail), *site_urlpatterns]
