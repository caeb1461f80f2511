"""Site-wide pages: the health check (the home page is the feeds app's home feed)."""

from django.http import JsonResponse

from sosoon_site.health import health


def healthz(request):
    """For load balancers, compose health checks and monitors (sosoon_site/health.py)."""
    status, body = health(strict=request.GET.get("strict") == "1")
    return JsonResponse(body, status=status)
