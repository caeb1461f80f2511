from django.urls import path

from feeds.events import views

app_name = "events"

urlpatterns = [
    path("c/<slug:slug>/events/", views.community_events, name="community"),
    path("c/<slug:slug>/events/new/", views.new_event, name="new"),
    path("e/<int:event_id>/", views.event_detail, name="event"),
    path("e/<int:event_id>/edit/", views.edit_event, name="edit"),
    path("e/<int:event_id>/cancel/", views.cancel_event, name="cancel"),
    path("e/<int:event_id>/rsvp/", views.rsvp, name="rsvp"),
    path("e/<int:event_id>/event.ics", views.event_ics, name="ics"),
    path("events/calendar/", views.calendar_settings, name="calendar_settings"),
    path("events/calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
