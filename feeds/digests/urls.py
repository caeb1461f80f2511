"""The digest pages, under the `digests` namespace."""

from django.urls import path

from feeds.digests import views

app_name = "digests"

urlpatterns = [
    path("digests/", views.preferences, name="preferences"),
    path("digests/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path(
        "digests/insights/unsubscribe/<str:token>/",
        views.unsubscribe,
        {"kind": "insights"},
        name="unsubscribe_insights",
    ),
]
