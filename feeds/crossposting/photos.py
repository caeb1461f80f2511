"""A post's image re-encoded as JPEG, for platforms that pull only JPEG (TikTok takes JPEG and
WebP of at most 1080p and 20 MB; a PNG or GIF, or a larger photo, sent as it is fails there),
so the rendition is also scaled down to fit 1080p. The original stays as it was uploaded; the
rendition is made when the platform fetches it, through the same audience policy as the
image itself, so it exists only while the post is visible to whoever asks (for a cross-post:
public)."""

from io import BytesIO
from urllib.parse import urlsplit

from django.http import Http404, HttpResponse
from django.urls import reverse
from PIL import Image

from feeds.policy import access_post

JPEG_QUALITY = 90
# 1080p either way round: the longer side at most 1920 px, the shorter at most 1080 px.
LONG_SIDE, SHORT_SIDE = 1920, 1080


def fits_1080p(width: int, height: int) -> bool:
    return max(width, height) <= LONG_SIDE and min(width, height) <= SHORT_SIDE


def jpeg_url(image_url: str, post_id: int, image_id: int) -> str:
    """The rendition's absolute URL, on the same site as the image's own `image_url`."""
    parts = urlsplit(image_url)
    path = reverse("crossposting:photo_jpeg", kwargs={"post_id": post_id, "image_id": image_id})
    return f"{parts.scheme}://{parts.netloc}{path}"


def as_jpeg(data: bytes) -> bytes:
    """`data` (any image Pillow reads) as a baseline JPEG within 1080p; transparency becomes
    white, an animation its first frame."""
    with Image.open(BytesIO(data)) as image:
        image.seek(0)
        frame = image.convert("RGBA")
    flat = Image.new("RGB", frame.size, "white")
    flat.paste(frame, mask=frame.getchannel("A"))
    if not fits_1080p(*flat.size):
        bounds = (LONG_SIDE, SHORT_SIDE) if flat.width >= flat.height else (SHORT_SIDE, LONG_SIDE)
        flat.thumbnail(bounds, Image.Resampling.LANCZOS)
    buffer = BytesIO()
    flat.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def photo_jpeg(request, post_id: int, image_id: int) -> HttpResponse:
    """The image as JPEG, for whoever may see the post (a platform pulling it: a public post)."""
    post = access_post(request.user, post_id)
    image = post.images.filter(pk=image_id).first()
    if image is None or post.is_removed:
        raise Http404("No such image.")
    with image.file.open("rb") as handle:
        data = handle.read()
    response = HttpResponse(as_jpeg(data), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
