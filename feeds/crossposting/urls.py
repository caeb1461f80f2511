from django.urls import include, path

from feeds.crossposting import photos, views
from feeds.crossposting.calendar.urls import urlpatterns as calendar_urlpatterns

app_name = "crossposting"

urlpatterns = [
    # Before "<crosspost_id>/<action>/", which would take "metrics" for an action.
    path("", include("feeds.crossposting.metrics.urls")),
    path("c/<slug:slug>/crossposts/", views.crosspost_list, name="list"),
    path("c/<slug:slug>/crossposts/accounts/", views.account_list, name="accounts"),
    path(
        "c/<slug:slug>/crossposts/accounts/connect/<str:platform>/",
        views.connect,
        name="connect",
    ),
    path(
        "c/<slug:slug>/crossposts/accounts/<int:account_id>/disconnect/",
        views.disconnect,
        name="disconnect",
    ),
    path("c/<slug:slug>/crossposts/<int:crosspost_id>/<str:action>/", views.act, name="act"),
    path("crossposting/callback/<str:platform>/", views.callback, name="callback"),
    path("p/<int:post_id>/crosspost/", views.schedule, name="schedule"),
    path("r/<str:ref_code>/", views.landing, name="landing"),
    path(
        "crossposting/photos/<int:post_id>/<int:image_id>.jpg",
        photos.photo_jpeg,
        name="photo_jpeg",
    ),
]

urlpatterns += calendar_urlpatterns
