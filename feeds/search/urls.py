from django.urls import path

from feeds.search import views

urlpatterns = [path("search/", views.search, name="search")]
