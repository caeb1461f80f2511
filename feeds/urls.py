from django.urls import include, path

from feeds.views import circles, compose, feeds, people, posts

app_name = "feeds"

urlpatterns = [
    path("c/<slug:slug>/posts/", feeds.community_feed, name="community"),
    path("c/<slug:slug>/posts/new/", compose.compose, name="compose"),
    path("c/<slug:slug>/posts/audience/", compose.audience_preview, name="audience"),
    path("p/<int:post_id>/", posts.post_detail, name="post"),
    path("p/<int:post_id>/edit/", compose.edit, name="edit"),
    path("p/<int:post_id>/remove/", posts.remove, name="remove"),
    path("p/<int:post_id>/pin/", posts.pin, name="pin"),
    path("p/<int:post_id>/react/", posts.react, name="react"),
    path("p/<int:post_id>/reactions/", posts.reaction_list, name="reactions"),
    path("p/<int:post_id>/comments/", posts.add_comment, name="comment"),
    path("p/<int:post_id>/images/<int:image_id>/", posts.post_image, name="post_image"),
    path("comments/<int:comment_id>/remove/", posts.remove_comment, name="remove_comment"),
    path("circles/", circles.circle_list, name="circles"),
    path("circles/<int:circle_id>/", circles.circle_detail, name="circle"),
    path("circles/<int:circle_id>/delete/", circles.delete_circle, name="delete_circle"),
    path(
        "circles/<int:circle_id>/people/<int:user_id>/remove/",
        circles.remove_from_circle,
        name="remove_from_circle",
    ),
    path("people/<str:handle>/", people.person, name="person"),
    path("", include("feeds.search.urls")),
]
