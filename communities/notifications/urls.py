"""The notifications pages, under the communities namespace (included by communities.urls)."""

from django.urls import path

from communities.notifications import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.mark_all_read, name="mark_all_read"),
    path("notifications/badge/", views.badge, name="notification_badge"),
    path(
        "notifications/<int:notification_id>/",
        views.open_notification,
        name="open_notification",
    ),
]
