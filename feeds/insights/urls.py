from django.urls import path

from feeds.insights import views
from feeds.insights.partners import views as partners

app_name = "insights"

urlpatterns = [
    path("c/<slug:slug>/insights/", views.insights_page, name="page"),
    path("c/<slug:slug>/insights/partners/", partners.partner_list, name="partners"),
    path(
        "c/<slug:slug>/insights/partners/<int:partner_id>/",
        partners.partner_page,
        name="partner",
    ),
    path(
        "c/<slug:slug>/insights/partners/<int:partner_id>/links/",
        partners.add_link,
        name="partner_add_link",
    ),
    path(
        "c/<slug:slug>/insights/partners/<int:partner_id>/edit/",
        partners.edit_partner,
        name="partner_edit",
    ),
    path(
        "c/<slug:slug>/insights/partners/<int:partner_id>/remove/",
        partners.remove_partner,
        name="partner_remove",
    ),
    path("j/<str:ref_code>/", partners.partner_link, name="partner_link"),
    path("c/<slug:slug>/insights/<str:name>.svg", views.chart, name="chart"),
    path("c/<slug:slug>/insights/<str:name>.csv", views.table_csv, name="csv"),
]
