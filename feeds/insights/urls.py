from django.urls import path

from feeds.insights import views

app_name = "insights"

urlpatterns = [
    path("c/<slug:slug>/insights/", views.insights_page, name="page"),
    path("c/<slug:slug>/insights/<str:name>.svg", views.chart, name="chart"),
    path("c/<slug:slug>/insights/<str:name>.csv", views.table_csv, name="csv"),
]
