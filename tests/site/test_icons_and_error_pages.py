"""What a browser asks of every site and what it shows when something is wrong: the favicon,
the home-screen icons and manifest, the error pages with DEBUG off, and allauth's pages, all
in the site's own look."""

import io
import json

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.test import Client
from django.urls import path, reverse
from PIL import Image

from communities.services.invitations import do_create_invitation
from sosoon_site import urls as site_urls
from tests.site.test_page_titles import plain_title_problem


def test_the_favicon_is_an_icon_file_with_the_small_sizes(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert "max-age=86400" in response["Cache-Control"]
    icon = Image.open(io.BytesIO(response.content))
    assert icon.format == "ICO"
    assert {(16, 16), (32, 32), (48, 48)} <= set(icon.ico.sizes())


def test_the_manifest_lets_a_phone_install_the_site(client, db):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["name"], manifest["start_url"], manifest["display"]) == (
        "Sosoon",
        "/",
        "standalone",
    )
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        answer = client.get(icon["src"])
        assert answer.status_code == 200, icon["src"]
        assert answer["Content-Type"] == icon["type"] == "image/png"
        picture = Image.open(io.BytesIO(answer.content))
        assert (picture.format, f"{picture.width}x{picture.height}") == ("PNG", icon["sizes"])


def test_a_maskable_icon_fills_its_square_and_a_plain_one_has_round_corners(client, db):
    plain = Image.open(io.BytesIO(client.get("/icons/512.png").content)).convert("RGBA")
    maskable = Image.open(io.BytesIO(client.get("/icons/maskable-512.png").content))
    assert plain.getpixel((0, 0))[3] == 0
    assert maskable.convert("RGBA").getpixel((0, 0))[3] == 255


@pytest.mark.parametrize("path", ["/icons/64.png", "/icons/maskable-7.png", "/icons/x.png"])
def test_icons_of_other_sizes_do_not_exist(client, db, path):
    assert client.get(path).status_code == 404


def test_an_icon_cannot_be_posted_to(client, db):
    assert client.post("/favicon.ico").status_code == 405


def test_every_page_links_the_icons_and_the_manifest(client, db):
    page = client.get("/").content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in page
    assert '<link rel="apple-touch-icon" href="/icons/180.png">' in page
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page


# Error pages, as production shows them (DEBUG off).


def bad_request(request):
    raise SuspiciousOperation("a detail for the log only")


def forbidden(request):
    raise PermissionDenied("a detail for the log only")


def missing(request):
    raise Http404("a detail for the log only")


def broken(request):
    raise RuntimeError("a detail for the log only")


urlpatterns = [
    *site_urls.urlpatterns,
    path("errors/400/", bad_request),
    path("errors/403/", forbidden),
    path("errors/404/", missing),
    path("errors/500/", broken),
]


def assert_styled_error_page(response, status: int, title: str) -> None:
    page = response.content.decode()
    assert response.status_code == status
    assert plain_title_problem(page) is None
    assert f"<title>{title} · Sosoon</title>" in page
    assert "/static/css/sosoon.css" in page and 'class="topbar"' in page
    assert '<link rel="icon" href="/favicon.ico"' in page
    assert '<a class="button" href="/">Back to the start page</a>' in page
    assert "a detail for the log only" not in page and "Traceback" not in page


@pytest.mark.urls("tests.site.test_icons_and_error_pages")
@pytest.mark.parametrize(
    ("status", "title"),
    [
        (400, "Bad request"),
        (403, "Not allowed"),
        (404, "Not found"),
        (500, "Something went wrong"),
    ],
)
def test_each_error_page_is_styled_with_debug_off(db, settings, status, title):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    assert_styled_error_page(client.get(f"/errors/{status}/"), status, title)


def test_a_form_sent_without_its_csrf_token_gets_the_styled_page(db, settings):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "a@example.test"})
    assert_styled_error_page(response, 403, "The form expired")
    assert "nothing was saved" in response.content.decode()


# allauth's pages wear the site's layout.


def assert_in_site_layout(response) -> None:
    page = response.content.decode()
    assert response.status_code == 200
    assert plain_title_problem(page) is None
    assert "/static/css/sosoon.css" in page and 'class="topbar"' in page
    assert '<main id="main" class="page">' in page and 'class="footer"' in page
    # In a card like every other page, or in the account settings beside their menu.
    assert 'class="card' in page or '<section class="settings__main">' in page


@pytest.mark.parametrize(
    "name",
    ["account_login", "account_signup", "account_reset_password"],
)
def test_signed_out_account_pages_use_the_site_layout(client, db, name):
    assert_in_site_layout(client.get(reverse(name)))


def test_the_sign_up_form_from_an_invitation_uses_the_site_layout(client, community, owner):
    invitation = do_create_invitation(community, owner, tier=community.tiers.first())
    client.get(invitation.get_absolute_url())
    response = client.get(reverse("account_signup"))
    assert 'name="handle"' in response.content.decode()
    assert_in_site_layout(response)


@pytest.mark.parametrize(
    "name",
    [
        "account_email",
        "account_change_password",
        "account_reauthenticate",
        "mfa_index",
    ],
)
def test_signed_in_account_pages_use_the_site_layout(auth_client, name):
    assert_in_site_layout(auth_client.get(reverse(name), follow=True))


def test_setting_up_two_factor_uses_the_site_layout(auth_client, password):
    response = auth_client.get(reverse("mfa_activate_totp"), follow=True)
    assert "Confirm Access" in response.content.decode()
    assert_in_site_layout(response)
    auth_client.post(response.redirect_chain[-1][0], {"password": password})
    response = auth_client.get(reverse("mfa_activate_totp"))
    assert "Authenticator" in response.content.decode()
    assert_in_site_layout(response)


def test_the_two_factor_code_page_uses_the_site_layout(client, user, password):
    TOTP.activate(user, generate_totp_secret())
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": password}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
    assert_in_site_layout(response)
