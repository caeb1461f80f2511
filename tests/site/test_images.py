"""Every uploaded image is verified, bounded and re-encoded before it is stored."""

import struct
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms, PngImagePlugin

from sosoon_site.images import ImageLimits, clean_image, open_verified


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


SCRIPT = b"<script>alert(document.cookie)</script>"
ICC_WITH_SCRIPT = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes() + SCRIPT


def saved(picture: Image.Image, fmt: str, **params) -> bytes:
    output = BytesIO()
    picture.save(output, format=fmt, **params)
    return output.getvalue()


def jpeg_segments(data: bytes) -> list[int]:
    """The marker bytes of a JPEG's segments from SOI up to the first SOS."""
    assert data[:2] == b"\xff\xd8"
    markers, position = [], 2
    while True:
        marker = data[position + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            return markers
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        position += 2 + length


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        chunks.append(data[position + 4 : position + 8])
        position += 12 + length
    return chunks


def assert_plain(stored: bytes) -> None:
    """No comment, text chunk, metadata block or profile, and none of the hostile text."""
    assert b"script" not in stored and b"Ana Lima" not in stored
    if stored[:2] == b"\xff\xd8":
        markers = jpeg_segments(stored)
        assert 0xFE not in markers  # COM
        assert not [m for m in markers if 0xE1 <= m <= 0xEF]  # APP1-15: EXIF, XMP, ICC, ...
        assert markers.count(0xE0) == 1  # the JFIF header alone
    else:
        assert set(png_chunks(stored)) <= {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}


def hostile_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x013B] = "Ana Lima"  # artist
    exif[0x010E] = SCRIPT.decode()  # image description
    return exif


def hostile_png_text() -> PngImagePlugin.PngInfo:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT.decode())  # tEXt
    info.add_text("Description", SCRIPT.decode(), zip=True)  # zTXt
    info.add_itxt("XML:com.adobe.xmp", SCRIPT.decode(), lang="en")  # iTXt
    return info


HOSTILE_FILES = {
    "GIF comment extension": lambda: saved(Image.new("P", (40, 30), 3), "GIF", comment=SCRIPT),
    "GIF with transparency and comment": lambda: saved(
        Image.new("P", (40, 30), 0), "GIF", comment=SCRIPT, transparency=0
    ),
    "JPEG COM segment": lambda: saved(Image.new("RGB", (40, 30), "teal"), "JPEG", comment=SCRIPT),
    "JPEG EXIF, XMP and ICC": lambda: saved(
        Image.new("RGB", (40, 30), "teal"),
        "JPEG",
        exif=hostile_exif(),
        xmp=b"<x:xmpmeta>" + SCRIPT + b"</x:xmpmeta>",
        icc_profile=ICC_WITH_SCRIPT,
    ),
    "PNG tEXt, zTXt, iTXt, iCCP and eXIf": lambda: saved(
        Image.new("RGBA", (40, 30), (0, 128, 128, 100)),
        "PNG",
        pnginfo=hostile_png_text(),
        icc_profile=ICC_WITH_SCRIPT,
        exif=hostile_exif(),
    ),
    "opaque PNG with text chunks": lambda: saved(
        Image.new("RGB", (40, 30), "teal"), "PNG", pnginfo=hostile_png_text()
    ),
    "WebP EXIF, XMP and ICC": lambda: saved(
        Image.new("RGB", (40, 30), "teal"),
        "WEBP",
        exif=hostile_exif(),
        xmp=b"<x:xmpmeta>" + SCRIPT + b"</x:xmpmeta>",
        icc_profile=ICC_WITH_SCRIPT,
    ),
}


@pytest.mark.parametrize("make", HOSTILE_FILES.values(), ids=HOSTILE_FILES.keys())
def test_comments_text_and_metadata_do_not_survive_re_encoding(make):
    hostile = make()
    assert SCRIPT in hostile or b"Ana Lima" in hostile  # the upload does carry them

    stored = clean_image(SimpleUploadedFile("hostile", hostile)).read()

    assert_plain(stored)
    with Image.open(BytesIO(stored)) as picture:
        assert picture.size == (40, 30)
        assert "icc_profile" not in picture.info and "comment" not in picture.info


def test_a_photo_with_a_profile_keeps_its_colours_in_srgb():
    photo = saved(Image.new("RGB", (40, 30), (200, 40, 90)), "JPEG", icc_profile=ICC_WITH_SCRIPT)

    stored = clean_image(SimpleUploadedFile("photo.jpg", photo)).read()

    with Image.open(BytesIO(stored)) as picture:
        red, green, blue = picture.getpixel((20, 15))
    assert abs(red - 200) <= 4 and abs(green - 40) <= 4 and abs(blue - 90) <= 4


def jpeg_declaring(width: int, height: int) -> bytes:
    """A tiny JPEG whose frame header claims `width`x`height` (a decompression bomb)."""
    data = bytearray(saved(Image.new("L", (8, 8)), "JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def test_a_jpeg_over_50_megapixels_is_refused_before_decoding():
    bomb = jpeg_declaring(10_000, 5_100)

    with pytest.raises(ValidationError, match=r"10000x5100 pixels.*JPEG photo is 50 megapixels"):
        clean_image(SimpleUploadedFile("bomb.jpg", bomb))


@pytest.mark.parametrize(
    "size", [(8000, 6000), (7680, 5168)], ids=["48 MP phone sensor", "39.7 MP from the issue"]
)
def test_a_phone_photo_is_accepted_and_decoded_at_reduced_size(size):
    photo = saved(Image.new("L", size, 120), "JPEG")

    decoded = open_verified(photo, ImageLimits())
    stored = clean_image(SimpleUploadedFile("phone.jpg", photo)).read()

    # Decoded at half size (12 MP at most), never the full 40-48 MP.
    assert decoded.width * decoded.height <= size[0] * size[1] // 4
    assert decoded.width >= 2048
    with Image.open(BytesIO(stored)) as picture:
        assert max(picture.size) == 2048


@pytest.mark.parametrize(
    "fmt, size, message",
    [
        ("PNG", (4032, 3024), "PNG image is 10 megapixels"),
        ("GIF", (4032, 3024), "GIF image is 10 megapixels"),
        ("WEBP", (3000, 2100), "WebP image is 6.25 megapixels"),
    ],
)
def test_an_image_over_its_decoding_budget_is_refused_before_decoding(fmt, size, message):
    large = saved(Image.new("L", size), fmt)

    with pytest.raises(ValidationError, match=message):
        clean_image(SimpleUploadedFile("large", large))


def test_a_4k_screenshot_is_accepted():
    screenshot = saved(Image.new("LA", (3840, 2160), (200, 255)), "PNG")

    stored = clean_image(SimpleUploadedFile("screen.png", screenshot)).read()

    with Image.open(BytesIO(stored)) as picture:
        assert picture.size == (2048, 1152)
