"""Each person edits their own profile; uploaded avatars are cleaned before they are stored."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def jpeg_with_metadata() -> bytes:
    picture = Image.new("RGB", (1200, 800), "purple")
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # camera maker
    exif[0x013B] = "Ana Lima"  # artist: the photographer's name
    output = BytesIO()
    picture.save(output, format="JPEG", exif=exif)
    return output.getvalue()


def profile_form(user, **changes):
    return {
        "display_name": user.display_name,
        "handle": user.handle,
        "bio": user.bio,
        "time_zone": user.time_zone,
        **changes,
    }


def test_profile_page_needs_a_signed_in_member(client, db):
    response = client.get("/profile/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_member_edits_their_profile(auth_client, user):
    response = auth_client.post(
        "/profile/",
        profile_form(
            user, display_name="Ana L.", bio="Natural wine nerd", time_zone="Europe/Paris"
        ),
        follow=True,
    )

    assert b"Your profile is saved" in response.content
    user.refresh_from_db()
    assert (user.display_name, user.bio, user.time_zone) == (
        "Ana L.",
        "Natural wine nerd",
        "Europe/Paris",
    )


def test_an_avatar_is_shrunk_and_stripped_of_its_metadata(auth_client, user):
    upload = SimpleUploadedFile("holiday.jpg", jpeg_with_metadata(), content_type="image/jpeg")

    auth_client.post("/profile/", {**profile_form(user), "avatar": upload})

    user.refresh_from_db()
    with Image.open(user.avatar.path) as stored:
        assert max(stored.size) == 512
        assert not stored.getexif(), "no EXIF survives re-encoding"


def test_a_gif_avatar_with_a_script_comment_is_stored_without_it(auth_client, user):
    picture = BytesIO()
    Image.new("P", (64, 64), 5).save(picture, format="GIF", comment=b"<script>alert(1)</script>")
    upload = SimpleUploadedFile("me.gif", picture.getvalue(), content_type="image/gif")

    auth_client.post("/profile/", {**profile_form(user), "avatar": upload})

    user.refresh_from_db()
    with open(user.avatar.path, "rb") as stored:
        data = stored.read()
    assert data[:2] == b"\xff\xd8" and b"<script>" not in data and b"\xff\xfe" not in data


def test_a_file_that_is_not_an_image_is_refused_and_nothing_changes(auth_client, user):
    upload = SimpleUploadedFile("cv.jpg", b"%PDF-1.7 not an image", content_type="image/jpeg")

    response = auth_client.post(
        "/profile/", {**profile_form(user, display_name="Changed"), "avatar": upload}
    )

    assert response.status_code == 200
    assert b"not an image" in response.content or b"Upload a valid image" in response.content
    user.refresh_from_db()
    assert user.display_name == "Ana Lima"
    assert not user.avatar


def test_a_taken_handle_is_refused(auth_client, user, user_factory):
    user_factory(handle="ben")

    response = auth_client.post("/profile/", profile_form(user, handle="BEN"))

    assert b"That handle is taken" in response.content
    user.refresh_from_db()
    assert user.handle == "ana"


def test_an_unknown_time_zone_is_refused(auth_client, user):
    response = auth_client.post("/profile/", profile_form(user, time_zone="Mars/Olympus_Mons"))

    assert response.status_code == 200
    assert b"Select a valid choice" in response.content


def test_a_display_name_with_a_line_break_is_refused_and_nothing_changes(auth_client, user):
    before = user.display_name
    response = auth_client.post(
        "/profile/", profile_form(user, display_name="Ana\r\nBcc: victim@example.test")
    )
    assert response.status_code == 200
    assert b"A display name must be one line without control characters" in response.content
    user.refresh_from_db()
    assert user.display_name == before
