"""The calendar's URLs, in the crossposting namespace (added by feeds/crossposting/urls.py)."""

from django.urls import path

from feeds.crossposting.calendar import views

urlpatterns = [
    path("crossposts/calendar/", views.calendar_page, name="calendar"),
    path("crossposts/calendar.ics", views.ical_feed, name="calendar_ical"),
    path("crossposts/calendar/compose/", views.compose_choose, name="calendar_choose"),
    path("crossposts/calendar/compose/<int:post_id>/", views.compose, name="calendar_compose"),
    path("crossposts/calendar/preview/<int:account_id>/", views.preview, name="calendar_preview"),
    path("crossposts/calendar/move/<int:crosspost_id>/", views.move, name="calendar_move"),
    path("crossposts/slots/", views.slots_page, name="calendar_slots"),
    path("crossposts/slots/<int:slot_id>/remove/", views.remove_slot, name="calendar_remove_slot"),
    path(
        "crossposts/groups/<int:group_id>/remove/", views.remove_group, name="calendar_remove_group"
    ),
    path("crossposts/accounts/", views.accounts_glance, name="calendar_accounts"),
]
