from django.urls import include, path, re_path

from communities.models.invitation import TOKEN_PATTERN
from communities.views import (
    community,
    directory,
    invitations,
    join_requests,
    members,
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
    path("", include("communities.moderation.urls")),
    path("", include("communities.chat.urls")),
    path("", include("communities.notifications.urls")),
    re_path(rf"^invite/(?P<token>{TOKEN_PATTERN})/$", redeem.invitation, name="invitation"),
]
