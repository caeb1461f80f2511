"""Site-wide pages: the health check (the home page is the feeds app's home feed)."""

from django.db import connection
from django.http import HttpResponse


def healthz(request):
    """For load balancers and compose health checks: 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
