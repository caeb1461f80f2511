"""Site-wide answers: the health check, the favicon, the home-screen icons, the web app
manifest and the scripts' translations (the home page is the feeds app's home feed)."""

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.i18n import JavaScriptCatalog

from sosoon_site import icons
from sosoon_site.health import health

# Icons change only with a release; a day keeps browsers from asking on every page.
ICON_MAX_AGE = 24 * 60 * 60


def healthz(request):
    """For load balancers, compose health checks and monitors (sosoon_site/health.py)."""
    status, body = health(strict=request.GET.get("strict") == "1")
    return JsonResponse(body, status=status)


@require_safe
@cache_control(public=True, max_age=ICON_MAX_AGE)
def favicon(request):
    """/favicon.ico, which browsers ask for on every site whatever the page links to."""
    return HttpResponse(icons.favicon_ico(), content_type="image/x-icon")


@require_safe
@cache_control(public=True, max_age=ICON_MAX_AGE)
def app_icon(request, size: int, maskable: bool = False):
    """The mark as a PNG at one of the sizes pages and the manifest link to."""
    if size not in icons.APP_ICON_SIZES:
        raise Http404("No icon of that size.")
    return HttpResponse(icons.app_icon_png(size, maskable=maskable), content_type="image/png")


@require_safe
@cache_control(public=True, max_age=ICON_MAX_AGE)
def manifest(request):
    """The web app manifest: what a phone needs to put Sosoon on its home screen."""
    icon_list = [
        {
            "src": reverse(view, kwargs={"size": size}),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": purpose,
        }
        for view, purpose in (("app_icon", "any"), ("app_icon_maskable", "maskable"))
        for size in (192, 512)
    ]
    body = {
        "name": "Sosoon",
        "short_name": "Sosoon",
        "description": _("Small, trusted communities."),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f7f6f3",
        "theme_color": icons.ACCENT,
        "icons": icon_list,
    }
    return JsonResponse(body, content_type="application/manifest+json")


# The page asks for the catalog with its language in the address (base.html), so a member who
# switches language gets the new words at once while each page load reuses the cached ones.
@method_decorator(cache_control(private=True, max_age=60 * 60), name="get")
class ScriptCatalog(JavaScriptCatalog):
    """/jsi18n/: the words static/js shows, in the reader's language, from the scripts'
    catalog in locale/ (djangojs.po) alone, rather than every installed app's."""

    packages = ["sosoon_site"]

    def get_paths(self, packages) -> list[str]:
        return [str(path) for path in settings.LOCALE_PATHS]
