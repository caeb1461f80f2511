"""Accept uploaded images safely: verify, refuse bombs, strip metadata, re-encode, shrink.

Every image a person uploads (avatars, community covers, post images) passes through
`clean_image`, so no stored file is the bytes the uploader sent: a polyglot or a file with
GPS metadata comes out as a plain re-encoded picture.
"""

from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


@dataclass(frozen=True)
class ImageLimits:
    """How big an upload may be, and how large the stored copy ends up."""

    max_bytes: int = 8 * 1024 * 1024
    max_pixels: int = 40_000_000
    longest_side: int = 2048


AVATAR_LIMITS = ImageLimits(max_bytes=5 * 1024 * 1024, longest_side=512)


def clean_image(upload, limits: ImageLimits = ImageLimits()) -> ContentFile:
    """A re-encoded copy of `upload`, or ValidationError with a message for the form."""
    if upload.size is not None and upload.size > limits.max_bytes:
        raise ValidationError(
            f"The image is larger than {limits.max_bytes // (1024 * 1024)} MB.", code="too_big"
        )
    data = upload.read()
    if len(data) > limits.max_bytes:
        raise ValidationError(
            f"The image is larger than {limits.max_bytes // (1024 * 1024)} MB.", code="too_big"
        )
    picture = open_verified(data, limits)
    picture = ImageOps.exif_transpose(picture)
    picture.thumbnail((limits.longest_side, limits.longest_side))
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    output = BytesIO()
    if has_alpha:
        picture.convert("RGBA").save(output, format="PNG", optimize=True)
        extension = "png"
    else:
        picture.convert("RGB").save(output, format="JPEG", quality=85, optimize=True)
        extension = "jpg"
    stem = PurePath(getattr(upload, "name", "") or "image").stem[:40] or "image"
    return ContentFile(output.getvalue(), name=f"{stem}.{extension}")


def open_verified(data: bytes, limits: ImageLimits) -> Image.Image:
    """Open `data` as an image after checking its format and pixel count (before decoding)."""
    not_an_image = ValidationError(
        "That file is not an image we can read (JPEG, PNG, GIF or WebP).", code="not_image"
    )
    try:
        with Image.open(BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise not_an_image
            width, height = probe.size
            if width * height > limits.max_pixels:
                raise ValidationError(
                    f"The image is too large ({width}x{height} pixels); the limit is "
                    f"{limits.max_pixels // 1_000_000} megapixels.",
                    code="too_many_pixels",
                )
            probe.verify()
        picture = Image.open(BytesIO(data))
        picture.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_an_image from None
    return picture
