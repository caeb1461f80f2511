"""Accept uploaded images safely: verify, refuse bombs, strip metadata, re-encode, shrink.

Every image a person uploads (avatars, community covers, post images) passes through
`clean_image`, so no stored file is the bytes the uploader sent: a polyglot or a file with
GPS metadata comes out as a plain re-encoded picture.

Nothing of the upload but its pixels is kept. The stored file is written from an image whose
metadata was emptied, so it carries no comment (JPEG COM, GIF comment extension), no text
chunk (PNG tEXt, iTXt, zTXt), no EXIF, XMP or other APPn block, and no ICC profile: every one
of them is a place for a script or a tracking tag to survive re-encoding. An embedded ICC
profile is not simply dropped, though: phones shoot in wide-gamut spaces (Display P3), and a
P3 photo read as sRGB looks dull, so the pixels are first converted to sRGB with the profile
(littlecms, through Pillow's ImageCms), and the stored file is plain sRGB, which is what
browsers assume for an image without a profile. A profile littlecms cannot use is ignored.

Pixel limits, checked on the size the file declares before any pixel is decoded:

- JPEG (photos) up to 50 megapixels. A phone photo fits: 48 MP sensors (8000x6000) exist, as
  do 40 MP ones (7296x5472; the 39.7 MP case reported in the issue is a genuine phone size and
  so stays accepted). A JPEG is never decoded at full size: `Image.draft` makes libjpeg decode
  it at 1/2, 1/4 or 1/8 scale, the smallest that still covers the stored copy, so the decoded
  image is under four times the stored size (at most about 16.8 MP) whatever the upload. A
  48 MP photo is decoded at 4000x3000 and costs about 85 MB at peak (Pillow keeps RGB in four
  bytes a pixel), where decoding a 39.7 MP one whole cost 300 MB.
- PNG, GIF and WebP have no reduced-size decoding, so they are held to a decoding budget of
  about 100 MB at peak instead: 10 megapixels for PNG and GIF (ten bytes a pixel at peak with
  transparency, as Pillow's resize premultiplies alpha in a full-size copy) and 6.25 for WebP
  (sixteen: libwebp's decoder keeps its own canvases beside Pillow's copy). A 4K screenshot
  (8.3 MP) and any phone's screenshot (under 4 MP) fit; a phone photo comes as JPEG. A bomb
  (a tiny file declaring a huge canvas) is refused from its header.
"""

from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
REDUCED_DECODING_FORMATS = {"JPEG"}
# Peak bytes a pixel costs to decode and shrink, for the formats decoded whole (measured).
FULL_DECODE_BYTES_PER_PIXEL = {"PNG": 10, "GIF": 10, "WEBP": 16}
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@dataclass(frozen=True)
class ImageLimits:
    """How big an upload may be, and how large the stored copy ends up."""

    max_bytes: int = 8 * 1024 * 1024
    # JPEG: decoded at reduced size, so the declared size may be large.
    max_pixels: int = 50_000_000
    # PNG, GIF, WebP: decoded whole, so their pixel limit follows from this budget.
    max_decode_bytes: int = 100_000_000
    longest_side: int = 2048


AVATAR_LIMITS = ImageLimits(max_bytes=5 * 1024 * 1024, longest_side=512)


def clean_image(upload, limits: ImageLimits = ImageLimits()) -> ContentFile:
    """A re-encoded copy of `upload`, or ValidationError with a message for the form."""
    if upload.size is not None and upload.size > limits.max_bytes:
        raise _too_big(limits)
    data = upload.read()
    if len(data) > limits.max_bytes:
        raise _too_big(limits)
    picture = open_verified(data, limits)
    icc_profile = picture.info.get("icc_profile")
    picture.thumbnail((limits.longest_side, limits.longest_side))
    picture = ImageOps.exif_transpose(picture)
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    stored = _in_srgb(picture, icc_profile, mode="RGBA" if has_alpha else "RGB")
    # Pillow's encoders copy comments, EXIF and profiles from `info`: nothing of it is kept.
    stored.info = {}
    output = BytesIO()
    if has_alpha:
        stored.save(output, format="PNG", optimize=True)
        extension = "png"
    else:
        stored.save(output, format="JPEG", quality=85, optimize=True)
        extension = "jpg"
    stem = PurePath(getattr(upload, "name", "") or "image").stem[:40] or "image"
    return ContentFile(output.getvalue(), name=f"{stem}.{extension}")


def _too_big(limits: ImageLimits) -> ValidationError:
    return ValidationError(
        _("The image is larger than %(megabytes)d MB."),
        code="too_big",
        params={"megabytes": limits.max_bytes // (1024 * 1024)},
    )


def open_verified(data: bytes, limits: ImageLimits) -> Image.Image:
    """`data` decoded after checking its format and pixel count (before decoding); a JPEG is
    decoded at the smallest scale that still covers the stored size."""
    not_an_image = ValidationError(
        _("That file is not an image we can read (JPEG, PNG, GIF or WebP)."), code="not_image"
    )
    try:
        with Image.open(BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise not_an_image
            _check_pixels(probe.format, probe.size, limits)
            probe.verify()
        picture = Image.open(BytesIO(data))
        if picture.format in REDUCED_DECODING_FORMATS:
            picture.draft(None, _stored_size(picture.size, limits.longest_side))
        picture.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_an_image from None
    return picture


def _check_pixels(image_format: str, size: tuple[int, int], limits: ImageLimits) -> None:
    width, height = size
    if image_format in REDUCED_DECODING_FORMATS:
        limit, kind = limits.max_pixels, _("a JPEG photo")
    else:
        limit = limits.max_decode_bytes // FULL_DECODE_BYTES_PER_PIXEL[image_format]
        kind = _("a %(format)s image") % {
            "format": "WebP" if image_format == "WEBP" else image_format
        }
    if width * height > limit:
        raise ValidationError(
            _(
                "The image is too large (%(width)dx%(height)d pixels); the limit for %(kind)s "
                "is %(megapixels)s megapixels."
            ),
            code="too_many_pixels",
            params={
                "width": width,
                "height": height,
                "kind": kind,
                "megapixels": f"{limit / 1_000_000:g}",
            },
        )


def _stored_size(size: tuple[int, int], longest_side: int) -> tuple[int, int]:
    """The size `thumbnail` will bring `size` to (aspect kept, longest side at most
    `longest_side`)."""
    width, height = size
    scale = min(1.0, longest_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _in_srgb(picture: Image.Image, icc_profile: bytes | None, *, mode: str) -> Image.Image:
    """`picture` in `mode` with sRGB pixels: converted through its ICC profile when it has a
    usable one, as it is otherwise."""
    working = picture if picture.mode in ("RGB", "CMYK", "L", mode) else picture.convert(mode)
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(BytesIO(icc_profile))
            return ImageCms.profileToProfile(working, source, SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass
    return working.convert(mode)
