from django.urls import path

from feeds.crossposting.metrics import views

app_name = "metrics"

urlpatterns = [
    path("c/<slug:slug>/crossposts/metrics/", views.account_metrics, name="accounts"),
    path(
        "c/<slug:slug>/crossposts/metrics/<int:account_id>.svg",
        views.account_chart,
        name="account_chart",
    ),
    path(
        "c/<slug:slug>/crossposts/<int:crosspost_id>/metrics/",
        views.crosspost_metrics,
        name="crosspost",
    ),
    path(
        "c/<slug:slug>/crossposts/<int:crosspost_id>/metrics.svg",
        views.crosspost_chart,
        name="crosspost_chart",
    ),
]
