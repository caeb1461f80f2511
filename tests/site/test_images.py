"""Every uploaded image is verified, bounded and re-encoded before it is stored."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from sosoon_site.images import ImageLimits, clean_image


def upload_of(picture: Image.Image, fmt: str = "PNG", name: str = "picture.png"):
    output = BytesIO()
    picture.save(output, format=fmt)
    return SimpleUploadedFile(name, output.getvalue())


def test_a_photo_is_re_encoded_as_jpeg_within_the_size_limit():
    cleaned = clean_image(upload_of(Image.new("RGB", (4000, 1000), "red"), "PNG"))

    with Image.open(BytesIO(cleaned.read())) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (2048, 512)


def test_transparency_is_kept_as_png():
    cleaned = clean_image(upload_of(Image.new("RGBA", (64, 64), (0, 0, 0, 0)), "PNG"))

    assert cleaned.name.endswith(".png")


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_decompression_bomb_is_refused_before_decoding():
    bomb = upload_of(Image.new("1", (12_000, 12_000)), "PNG")

    with pytest.raises(ValidationError, match="too large"):
        clean_image(bomb, ImageLimits(max_pixels=50_000_000))


def test_an_oversize_file_is_refused():
    big = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * 2048)

    with pytest.raises(ValidationError, match="larger than"):
        clean_image(big, ImageLimits(max_bytes=1024))


@pytest.mark.parametrize(
    "payload",
    [b"GIF89a<script>alert(1)</script>", b"<svg onload=alert(1)>", b"", b"\xff\xd8\xff garbage"],
)
def test_things_that_are_not_images_are_refused(payload):
    with pytest.raises(ValidationError, match="not an image"):
        clean_image(SimpleUploadedFile("x.gif", payload))


def test_bytes_appended_to_an_image_do_not_survive():
    polyglot = upload_of(Image.new("RGB", (10, 10), "blue"), "PNG").read() + b"<?php evil(); ?>"

    cleaned = clean_image(SimpleUploadedFile("poly.png", polyglot))

    assert b"evil" not in cleaned.read()
