from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from feeds.views import feeds as feed_views
from sosoon_site import views
from sosoon_site.accounts import views as account_views

admin.site.site_header = _("Sosoon admin")
admin.site.site_title = _("Sosoon admin")
admin.site.index_title = _("Moderation and settings")
# The admin signs in through allauth's login page, so its rate limits cover the admin too.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", feed_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("jsi18n/", views.ScriptCatalog.as_view(), name="javascript_catalog"),
    path("icons/<int:size>.png", views.app_icon, name="app_icon"),
    path(
        "icons/maskable-<int:size>.png",
        views.app_icon,
        {"maskable": True},
        name="app_icon_maskable",
    ),
    path("", include("feeds.crossposting.urls")),
    path("", include("feeds.digests.urls")),
    path("", include("feeds.insights.urls")),
    path("profile/", account_views.edit_profile, name="profile"),
    path("profile/blocked/", account_views.blocked_people, name="blocked_people"),
    path("people/<str:handle>/block/", account_views.block_person, name="block_person"),
    path("people/<str:handle>/unblock/", account_views.unblock_person, name="unblock_person"),
    path("accounts/signup/", account_views.signup, name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("", include("communities.urls")),
    path("", include("feeds.urls")),
    path("", include("feeds.events.urls")),
    path("admin/", admin.site.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
