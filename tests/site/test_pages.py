"""The pages every visitor meets: start page, errors, health check, admin entrance."""

import pytest
from django.test import Client
from django.urls import path

from sosoon_site import urls as site_urls


def test_signed_out_visitors_see_the_landing_page_with_a_way_in(client):
    response = client.get("/")

    assert response.status_code == 200
    assert b"<title>Small, trusted communities" in response.content
    assert b'href="/accounts/login/"' in response.content


def test_signed_in_members_are_greeted_by_name(auth_client, user):
    response = auth_client.get("/")

    assert response.status_code == 200
    assert b"Ana Lima" in response.content
    assert b'name="viewport"' in response.content


def test_unknown_urls_get_the_styled_404_page(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert b"<title>Not found \xc2\xb7 Sosoon</title>" in response.content
    assert b"sosoon.css" in response.content


def explode(request):
    raise RuntimeError("secret detail that must not reach the visitor")


urlpatterns = [*site_urls.urlpatterns, path("explode/", explode)]


@pytest.mark.urls("tests.site.test_pages")
def test_server_errors_get_the_styled_500_page_without_a_traceback(db):
    client = Client(raise_request_exception=False)

    response = client.get("/explode/")

    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"secret detail" not in response.content
    assert b"Traceback" not in response.content


def test_htmx_ships_from_our_own_static_files(client):
    response = client.get("/")

    assert b"/static/django_htmx/htmx" in response.content
    assert b"unpkg" not in response.content and b"cdn" not in response.content.lower()


def test_admin_has_the_sosoon_header(client, user_factory):
    client.force_login(user_factory(is_staff=True, is_superuser=True))

    response = client.get("/admin/")

    assert response.status_code == 200
    assert b"Sosoon admin" in response.content


def test_admin_sign_in_goes_through_the_rate_limited_login_page(client, db):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_admin_refuses_members_who_are_not_staff(auth_client):
    response = auth_client.get("/admin/login/?next=/admin/")

    assert response.status_code == 403
