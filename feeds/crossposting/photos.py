"""A post's image re-encoded as JPEG, for platforms that pull only JPEG (TikTok takes JPEG and
WebP; a PNG or GIF sent as it is fails there). The original stays as it was uploaded; the
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


def jpeg_url(image_url: str, post_id: int, image_id: int) -> str:
    """The rendition's absolute URL, on the same site as the image's own `image_url`."""
    parts = urlsplit(image_url)
    path = reverse("crossposting:photo_jpeg", kwargs={"post_id": post_id, "image_id": image_id})
    return f"{parts.scheme}://{parts.netloc}{path}"


def as_jpeg(data: bytes) -> bytes:
    """`data` (any image Pillow reads) as a baseline JPEG; transparency becomes white, an
    animation its first frame."""
    with Image.open(BytesIO(data)) as image:
        image.seek(0)
        frame = image.convert("RGBA")
    flat = Image.new("RGB", frame.size, "white")
    flat.paste(frame, mask=frame.getchannel("A"))
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
