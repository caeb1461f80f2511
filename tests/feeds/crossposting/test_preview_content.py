"""The composer's preview is judged on what publishing would send (publishing.content_of),
not on a second reading of the form: image sizes and TikTok's JPEG renditions included."""

import os
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from feeds.crossposting.models import CrossPostStatus
from feeds.crossposting.sandbox.tiktok import INIT_PATH
from feeds.crossposting.services.scheduling import Draft, check_schedule, media_item
from feeds.models import PostImage


def preview(client, account, post, **fields):
    data = {"post": post.pk} | {f"a{account.pk}-{name}": value for name, value in fields.items()}
    return client.post(reverse("crossposting:calendar_preview", args=[account.pk]), data)


def noise_png(width: int, height: int) -> bytes:
    """An image that does not compress: its PNG is about width x height x 3 bytes."""
    buffer = BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def test_the_x_preview_refuses_an_image_over_5_mb_as_scheduling_does(
    client, owner, public_post, x_account
):
    image = PostImage.objects.create(
        post=public_post, file=ContentFile(noise_png(1400, 1400), name="big.png")
    )
    assert image.file.size > 5 * 1024 * 1024
    client.force_login(owner)

    html = preview(client, x_account, public_post, text="Big", images=str(image.pk))
    html = html.content.decode()

    draft = Draft(
        account=x_account,
        text="Big",
        media=[media_item(image, url=f"https://sosoon.test{image.get_absolute_url()}")],
    )
    with pytest.raises(ValidationError) as refused:
        check_schedule(
            owner, public_post, [draft], scheduled_at=timezone.now() + timedelta(hours=1)
        )
    (reason,) = refused.value.message_dict[f"{x_account.pk}-media"]
    assert "at most 5 MB" in reason
    assert reason in html


def test_the_tiktok_preview_of_a_png_is_what_publishing_sends(
    client, owner, public_post, tiktok_account, crosspost_factory, dispatch, fake_tiktok
):
    """TikTok pulls no PNG; what is sent is its JPEG rendition, so the preview raises no
    format problem, and the same draft publishes."""
    png = BytesIO()
    Image.new("RGB", (8, 8), "teal").save(png, "PNG")
    image = PostImage.objects.create(
        post=public_post, file=ContentFile(png.getvalue(), name="label.png")
    )
    client.force_login(owner)

    html = preview(
        client,
        tiktok_account,
        public_post,
        text="Label",
        privacy_level="SELF_ONLY",
        images=str(image.pk),
    ).content.decode()
    assert "JPEG or WebP" not in html
    assert "Who can see it: Self only" in html

    url = f"https://sosoon.test{image.get_absolute_url()}"
    crosspost = crosspost_factory(
        tiktok_account, privacy_level="SELF_ONLY", media=[media_item(image, url=url)]
    )
    for minute in range(10):
        dispatch(now=timezone.now() + timedelta(minutes=minute))
    crosspost.refresh_from_db()
    assert crosspost.status == CrossPostStatus.PUBLISHED
    sent = fake_tiktok.calls(INIT_PATH)[0].json()["source_info"]["photo_images"]
    assert sent == [f"https://sosoon.test/crossposting/photos/{public_post.pk}/{image.pk}.jpg"]
