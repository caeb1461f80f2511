from django.urls import path, re_path

from communities.models.invitation import TOKEN_PATTERN
from communities.views import (
    chat,
    community,
    directory,
    invitations,
    join_requests,
    members,
    moderation,
    notifications,
    redeem,
    tiers,
)

app_name = "communities"

urlpatterns = [
    path("c/", directory.directory, name="directory"),
    path("c/new/", directory.create, name="create"),
    path("c/<slug:slug>/", community.home, name="home"),
    path("c/<slug:slug>/settings/", community.settings_page, name="settings"),
    path("c/<slug:slug>/delete/", community.delete, name="delete"),
    path("c/<slug:slug>/leave/", community.leave, name="leave"),
    path("c/<slug:slug>/transfer/", community.transfer, name="transfer"),
    path("c/<slug:slug>/members/", members.member_list, name="members"),
    path(
        "c/<slug:slug>/members/<int:membership_id>/<str:action>/",
        members.act_on_member,
        name="member_action",
    ),
    path("c/<slug:slug>/tiers/", tiers.tier_list, name="tiers"),
    path("c/<slug:slug>/tiers/<int:tier_id>/", tiers.tier_change, name="tier_change"),
    path("c/<slug:slug>/invitations/", invitations.invitation_list, name="invitations"),
    path(
        "c/<slug:slug>/invitations/email/", invitations.email_invitations, name="email_invitations"
    ),
    path(
        "c/<slug:slug>/invitations/batches/<int:batch_id>/",
        invitations.batch_progress,
        name="batch",
    ),
    path(
        "c/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        invitations.revoke,
        name="revoke_invitation",
    ),
    path("c/<slug:slug>/join/", join_requests.request_to_join, name="request_to_join"),
    path("c/<slug:slug>/requests/", join_requests.queue, name="requests"),
    path("c/<slug:slug>/requests/<int:request_id>/", join_requests.decide, name="decide_request"),
    path("c/<slug:slug>/moderation/", moderation.queue, name="moderation"),
    path("c/<slug:slug>/moderation/act/", moderation.act, name="moderation_act"),
    path("c/<slug:slug>/moderation/settings/", moderation.automod_settings, name="automod"),
    path("report/<str:label>/<int:target_id>/", moderation.report, name="report"),
    path("moderation/reports/<int:report_id>/", moderation.report_notice, name="report_notice"),
    path(
        "moderation/notices/<int:action_id>/",
        moderation.moderation_notice,
        name="moderation_notice",
    ),
    path("c/<slug:slug>/rooms/", chat.room_list, name="chat_rooms"),
    path("c/<slug:slug>/rooms/<int:room_id>/", chat.room_change, name="chat_room_change"),
    path("messages/", chat.direct_messages, name="direct_messages"),
    path("messages/<int:room_id>/", chat.direct_room, name="direct_room"),
    path("chat/<int:room_id>/search/", chat.search, name="chat_search"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.mark_all_read, name="mark_all_read"),
    path("notifications/badge/", notifications.badge, name="notification_badge"),
    path(
        "notifications/<int:notification_id>/",
        notifications.open_notification,
        name="open_notification",
    ),
    re_path(rf"^invite/(?P<token>{TOKEN_PATTERN})/$", redeem.invitation, name="invitation"),
]
