"""The site's URLs plus FLOOR_PATH: a view that does no work, on the same daphne and through
the same middleware as every page, so a page's time can be read against it."""

from django.http import HttpResponse
from django.urls import path

from sosoon_site import urls as site_urls

FLOOR_PATH = "/bench/floor/"


def floor(request):
    return HttpResponse(b"<!DOCTYPE html><title>Floor</title><p>Nothing to see.</p>")


urlpatterns = [*site_urls.urlpatterns, path(FLOOR_PATH.lstrip("/"), floor)]
