"""Chat's pages, under the communities namespace (included by communities.urls)."""

from django.urls import path

from communities.chat import sidebar, views

urlpatterns = [
    path("c/<slug:slug>/rooms/", views.room_list, name="chat_rooms"),
    path("c/<slug:slug>/rooms/<int:room_id>/", views.room_change, name="chat_room_change"),
    path("c/<slug:slug>/chat/<int:room_id>/", views.room_page, name="chat_room"),
    path("messages/", views.direct_messages, name="direct_messages"),
    path("messages/badge/", views.direct_badge, name="direct_badge"),
    path("messages/<int:room_id>/", views.direct_room, name="direct_room"),
    path("chat/<int:room_id>/search/", views.search, name="chat_search"),
    path("shell/sidebar/", sidebar.sidebar, name="sidebar"),
]
