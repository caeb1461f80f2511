"""Site-wide pages: the home page and the health check."""

from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render


def home(request):
    """Signed in: the member's start page. Signed out: what Sosoon is and how to get in."""
    if request.user.is_authenticated:
        return render(request, "home.html")
    return render(request, "landing.html")


def healthz(request):
    """For load balancers and compose health checks: 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
