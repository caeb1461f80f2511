"""Moderation's pages, under the communities namespace (included by communities.urls)."""

from django.urls import path

from communities.moderation import views

urlpatterns = [
    path("c/<slug:slug>/moderation/", views.queue, name="moderation"),
    path("c/<slug:slug>/moderation/act/", views.act, name="moderation_act"),
    path("c/<slug:slug>/moderation/settings/", views.automod_settings, name="automod"),
    path(
        "c/<slug:slug>/members/<int:membership_id>/<str:action>/confirm/",
        views.confirm_member_action,
        name="confirm_member_action",
    ),
    path("report/<str:label>/<int:target_id>/", views.report, name="report"),
    path("moderation/reports/<int:report_id>/", views.report_notice, name="report_notice"),
    path(
        "moderation/notices/<int:action_id>/",
        views.moderation_notice,
        name="moderation_notice",
    ),
]
